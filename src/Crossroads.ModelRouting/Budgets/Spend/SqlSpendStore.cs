using System.Data.Common;
using Crossroads.ModelRouting.Limits;

namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>
/// The spend store on a SQL database (SQLite or PostgreSQL: the same tables and statements). Three tables (and the
/// replicas' rate-limit usage, <c>SqlSpendStore.RateUsage.cs</c>):
/// <c>model_router_spend (account, period, spent, reserved)</c>, <c>model_router_reservations (id, account, period,
/// amount, expires_at)</c> and <c>model_router_expired_reservations (id, account, period, expired_at)</c>, amounts in
/// nano-USD, times in Unix microseconds.
/// <para>
/// A reservation is one transaction: per line (in account order, so two transactions never wait on each other in
/// opposite orders) one conditional upsert that adds the amount to <c>reserved</c> only while
/// <c>spent + reserved + amount ≤ limit</c>; a line that changes no row refuses the whole reservation (rollback).
/// The row lock the upsert takes serializes concurrent reservations of one account across every replica, and the
/// condition is re-checked on the locked row, so replicas sharing the database cannot together overspend.
/// Settling deletes the reservation row (<c>DELETE … RETURNING</c>: of a settle and an expiry sweep racing for it,
/// exactly one gets it) and moves its amount from <c>reserved</c> to the actual <c>spent</c>. Reservations of a
/// replica that died are released by any replica's sweep once they expire; the sweep moves their rows to
/// <c>model_router_expired_reservations</c> (nothing held), where a late settle still finds them and books the spend.
/// So a settle books only when it deletes a row of either table: a settle repeated because its first answer was lost
/// (committed, but the connection broke before the reply) finds nothing and books nothing. Expired rows are
/// forgotten after <see cref="ExpiredRetention"/>.
/// </para>
/// </summary>
public abstract partial class SqlSpendStore : ISpendStore, IRateUsageExchange
{
    /// <summary>Creates both tables if missing.</summary>
    protected const string Schema = """
        CREATE TABLE IF NOT EXISTS model_router_spend (
            account TEXT NOT NULL,
            period TEXT NOT NULL,
            spent BIGINT NOT NULL DEFAULT 0,
            reserved BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (account, period)
        );
        CREATE TABLE IF NOT EXISTS model_router_reservations (
            id TEXT NOT NULL,
            account TEXT NOT NULL,
            period TEXT NOT NULL,
            amount BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            PRIMARY KEY (id, account)
        );
        CREATE INDEX IF NOT EXISTS model_router_reservations_expiry ON model_router_reservations (expires_at);
        CREATE TABLE IF NOT EXISTS model_router_expired_reservations (
            id TEXT NOT NULL,
            account TEXT NOT NULL,
            period TEXT NOT NULL,
            expired_at BIGINT NOT NULL,
            PRIMARY KEY (id, account)
        );
        CREATE INDEX IF NOT EXISTS model_router_expired_reservations_age ON model_router_expired_reservations (expired_at);
        CREATE TABLE IF NOT EXISTS model_router_rate_usage (
            replica TEXT NOT NULL,
            api_key TEXT NOT NULL,
            requests BIGINT NOT NULL,
            tokens BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (replica, api_key)
        );
        """;

    private const string Reserve = """
        INSERT INTO model_router_spend (account, period, spent, reserved)
        SELECT @account, @period, 0, @amount WHERE @amount <= @limit
        ON CONFLICT (account, period) DO UPDATE SET reserved = model_router_spend.reserved + excluded.reserved
        WHERE model_router_spend.spent + model_router_spend.reserved + excluded.reserved <= @limit
        """;

    private const string Hold = "INSERT INTO model_router_reservations (id, account, period, amount, expires_at) VALUES (@id, @account, @period, @amount, @expires)";

    private const string Balance = "SELECT spent, reserved FROM model_router_spend WHERE account = @account AND period = @period";

    private const string Release = "DELETE FROM model_router_reservations WHERE id = @id RETURNING account, period, amount";

    private const string ExpireHeld = "DELETE FROM model_router_reservations WHERE expires_at < @now RETURNING id, account, period, amount";

    private const string KeepExpired = "INSERT INTO model_router_expired_reservations (id, account, period, expired_at) VALUES (@id, @account, @period, @now) ON CONFLICT (id, account) DO NOTHING";

    private const string ReleaseExpired = "DELETE FROM model_router_expired_reservations WHERE id = @id RETURNING account, period, CAST(0 AS BIGINT)";

    private const string ForgetExpired = "DELETE FROM model_router_expired_reservations WHERE expired_at < @before";

    private const string Book = """
        INSERT INTO model_router_spend (account, period, spent, reserved) VALUES (@account, @period, @spent, 0)
        ON CONFLICT (account, period) DO UPDATE SET reserved = model_router_spend.reserved - @held, spent = model_router_spend.spent + excluded.spent
        """;

    private const string Unhold = "UPDATE model_router_spend SET reserved = reserved - @held WHERE account = @account AND period = @period";

    /// <summary>
    /// How long an expired reservation stays findable by a late settle. A settle that comes later still (a database
    /// down for a day while the process kept retrying) books nothing: under-billing, never a double booking.
    /// </summary>
    public static readonly TimeSpan ExpiredRetention = TimeSpan.FromDays(1);

    /// <inheritdoc />
    public abstract string Provider { get; }

    /// <summary>Runs <paramref name="work"/> in a write transaction on a connection of the store (committing is the work's job).</summary>
    protected abstract Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken);

    /// <inheritdoc />
    public Task<SpendReserveOutcome> TryReserveAsync(string reservationId, IReadOnlyList<SpendLine> lines, long amountNanos, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        long expires = expiresAt.ToUnixTimeMilliseconds() * 1000;
        return InTransactionAsync(
            async (connection, transaction, ct) =>
            {
                var changed = await ReserveLinesAsync(connection, transaction, reservationId, lines, amountNanos, expires, ct).ConfigureAwait(false);
                int refused = Array.IndexOf(changed, 0);
                if (refused >= 0)
                {
                    var line = lines[refused];
                    var (spent, reserved) = await BalanceAsync(connection, transaction, line.Account, line.Period, ct).ConfigureAwait(false);
                    await transaction.RollbackAsync(ct).ConfigureAwait(false);
                    return new SpendReserveOutcome(refused, line.LimitNanos - spent - reserved);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return SpendReserveOutcome.Reserved;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> SettleAsync(string reservationId, IReadOnlyList<SpendLine> lines, long actualNanos, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return InTransactionAsync(
            async (connection, transaction, ct) =>
            {
                var held = await DeleteReturningAsync(connection, transaction, Release, ("id", reservationId), ct).ConfigureAwait(false);
                if (held.Count == 0)
                {
                    // Expired meanwhile (its hold already released: book the spend alone), or settled before.
                    held = await DeleteReturningAsync(connection, transaction, ReleaseExpired, ("id", reservationId), ct).ConfigureAwait(false);
                    if (held.Count == 0)
                    {
                        await transaction.RollbackAsync(ct).ConfigureAwait(false);
                        return false;
                    }
                }

                foreach (var line in lines)
                {
                    long amount = held.TryGetValue((line.Account, line.Period), out var a) ? a : 0;
                    await ExecuteAsync(connection, transaction, Book, ct, ("account", line.Account), ("period", line.Period), ("spent", actualNanos), ("held", amount)).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async (connection, transaction, ct) =>
            {
                long at = now.ToUnixTimeMilliseconds() * 1000;
                var expired = await ExpiredRowsAsync(connection, transaction, at, ct).ConfigureAwait(false);
                var held = new Dictionary<(string, string), long>();
                foreach (var (id, account, period, amount) in expired)
                {
                    held[(account, period)] = held.GetValueOrDefault((account, period)) + amount;
                    await ExecuteAsync(connection, transaction, KeepExpired, ct, ("id", id), ("account", account), ("period", period), ("now", at)).ConfigureAwait(false);
                }

                foreach (var ((account, period), amount) in held)
                {
                    await ExecuteAsync(connection, transaction, Unhold, ct, ("account", account), ("period", period), ("held", amount)).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, transaction, ForgetExpired, ct, ("before", (now - ExpiredRetention).ToUnixTimeMilliseconds() * 1000)).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return expired.Select(static e => e.Id).Distinct(StringComparer.Ordinal).Count();
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<(long Spent, long Reserved)> ReadAsync(string account, string period, CancellationToken cancellationToken) =>
        InTransactionAsync((connection, transaction, ct) => BalanceAsync(connection, transaction, account, period, ct), cancellationToken);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// The conditional upsert of every line, then the hold rows; the rows each upsert changed (0: refused; the caller
    /// rolls back, which also drops the holds). Where the provider batches (PostgreSQL), all of it is one round trip.
    /// </summary>
    private static async Task<int[]> ReserveLinesAsync(DbConnection connection, DbTransaction transaction, string reservationId, IReadOnlyList<SpendLine> lines, long amountNanos, long expires, CancellationToken ct)
    {
        var changed = new int[lines.Count];
        if (!connection.CanCreateBatch)
        {
            for (int i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                changed[i] = await ExecuteAsync(connection, transaction, Reserve, ct, ("account", line.Account), ("period", line.Period), ("amount", amountNanos), ("limit", line.LimitNanos)).ConfigureAwait(false);
                if (changed[i] == 0)
                {
                    return changed;
                }
            }

            foreach (var line in lines)
            {
                await ExecuteAsync(connection, transaction, Hold, ct, ("id", reservationId), ("account", line.Account), ("period", line.Period), ("amount", amountNanos), ("expires", expires)).ConfigureAwait(false);
            }

            return changed;
        }

        var batch = connection.CreateBatch();
        await using (batch.ConfigureAwait(false))
        {
            batch.Transaction = transaction;
            foreach (var line in lines)
            {
                Add(batch, Reserve, ("account", line.Account), ("period", line.Period), ("amount", amountNanos), ("limit", line.LimitNanos));
            }

            foreach (var line in lines)
            {
                Add(batch, Hold, ("id", reservationId), ("account", line.Account), ("period", line.Period), ("amount", amountNanos), ("expires", expires));
            }

            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            for (int i = 0; i < lines.Count; i++)
            {
                changed[i] = batch.BatchCommands[i].RecordsAffected;
            }
        }

        return changed;
    }

    private static void Add(DbBatch batch, string sql, params (string Name, object Value)[] parameters)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }

        batch.BatchCommands.Add(command);
    }

    private static async Task<(long Spent, long Reserved)> BalanceAsync(DbConnection connection, DbTransaction transaction, string account, string period, CancellationToken ct)
    {
        var command = Command(connection, transaction, Balance, ("account", account), ("period", period));
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(ct).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
            }
        }
    }

    /// <summary>Deletes the reservation rows that expired before <paramref name="now"/> and returns them.</summary>
    private static async Task<List<(string Id, string Account, string Period, long Amount)>> ExpiredRowsAsync(DbConnection connection, DbTransaction transaction, long now, CancellationToken ct)
    {
        var rows = new List<(string, string, string, long)>();
        var command = Command(connection, transaction, ExpireHeld, ("now", now));
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
                }
            }
        }

        return rows;
    }

    /// <summary>Runs a <c>DELETE … RETURNING account, period, amount</c>; the amounts summed per (account, period).</summary>
    private static async Task<Dictionary<(string, string), long>> DeleteReturningAsync(DbConnection connection, DbTransaction transaction, string sql, (string, object) parameter, CancellationToken ct)
    {
        var held = new Dictionary<(string, string), long>();
        var command = Command(connection, transaction, sql, parameter);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var key = (reader.GetString(0), reader.GetString(1));
                    held[key] = held.GetValueOrDefault(key) + reader.GetInt64(2);
                }
            }
        }

        return held;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        var command = Command(connection, transaction, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // The SQL is one of this class's constants; values go in parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }

        return command;
    }
}
