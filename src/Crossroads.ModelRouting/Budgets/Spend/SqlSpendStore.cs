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
        CREATE TABLE IF NOT EXISTS model_router_leases (
            id TEXT NOT NULL PRIMARY KEY,
            account TEXT NOT NULL,
            period TEXT NOT NULL,
            amount BIGINT NOT NULL,
            generation BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS model_router_leases_expiry ON model_router_leases (expires_at);
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

    private const string BookLease = """
        INSERT INTO model_router_spend (account, period, spent, reserved) VALUES (@account, @period, @spent, 0)
        ON CONFLICT (account, period) DO UPDATE SET spent = model_router_spend.spent + excluded.spent
        RETURNING spent, reserved
        """;

    private const string HoldLease = "UPDATE model_router_spend SET reserved = reserved + @delta WHERE account = @account AND period = @period";

    private const string SaveLease = """
        INSERT INTO model_router_leases (id, account, period, amount, generation, expires_at) VALUES (@id, @account, @period, @amount, @generation, @expires)
        ON CONFLICT (id) DO UPDATE SET amount = excluded.amount, generation = excluded.generation, expires_at = excluded.expires_at
        """;

    // RETURNING gives the values after an UPDATE, so the amounts to release are read first (locked on PostgreSQL).
    private const string ExpiredLeases = "SELECT id, account, period, amount FROM model_router_leases WHERE amount > 0 AND expires_at < @now";

    private const string ReleaseLease = "UPDATE model_router_leases SET amount = 0 WHERE id = @id";

    private const string ForgetLeases = "DELETE FROM model_router_leases WHERE amount = 0 AND expires_at < @before";

    /// <summary>
    /// How long an expired reservation stays findable by a late settle. A settle that comes later still (a database
    /// down for a day while the process kept retrying) books nothing: under-billing, never a double booking.
    /// </summary>
    public static readonly TimeSpan ExpiredRetention = TimeSpan.FromDays(1);

    /// <inheritdoc />
    public abstract string Provider { get; }

    /// <summary>
    /// What makes a <c>SELECT</c> of the lease row lock it until the commit (PostgreSQL: <c>FOR UPDATE</c>, so the
    /// expiry sweep cannot release it between the read and the write); empty where the transaction holds the whole
    /// database's write lock from its start (SQLite's <c>BEGIN IMMEDIATE</c>).
    /// </summary>
    protected virtual string LockRow => string.Empty;

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
                // Lease rows first, then spend rows in account order: the order a renewal and a reservation lock them
                // in, so a sweep never deadlocks with either. Released leases keep their row (and generation) at
                // amount 0, so their owner's next renewal still books once.
                var leases = await ExpiredRowsAsync(connection, transaction, ExpiredLeases + LockRow, at, ct).ConfigureAwait(false);
                foreach (var (id, _, _, _) in leases)
                {
                    await ExecuteAsync(connection, transaction, ReleaseLease, ct, ("id", id)).ConfigureAwait(false);
                }

                var expired = await ExpiredRowsAsync(connection, transaction, ExpireHeld, at, ct).ConfigureAwait(false);
                var held = new SortedDictionary<(string Account, string Period), long>(Comparer<(string Account, string Period)>.Create(
                    static (a, b) => string.CompareOrdinal(a.Account, b.Account) is var c && c != 0 ? c : string.CompareOrdinal(a.Period, b.Period)));
                foreach (var (id, account, period, amount) in expired)
                {
                    held[(account, period)] = held.GetValueOrDefault((account, period)) + amount;
                    await ExecuteAsync(connection, transaction, KeepExpired, ct, ("id", id), ("account", account), ("period", period), ("now", at)).ConfigureAwait(false);
                }

                foreach (var (_, account, period, amount) in leases)
                {
                    held[(account, period)] = held.GetValueOrDefault((account, period)) + amount;
                }

                foreach (var ((account, period), amount) in held)
                {
                    await ExecuteAsync(connection, transaction, Unhold, ct, ("account", account), ("period", period), ("held", amount)).ConfigureAwait(false);
                }

                long before = (now - ExpiredRetention).ToUnixTimeMilliseconds() * 1000;
                await ExecuteAsync(connection, transaction, ForgetExpired, ct, ("before", before)).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, ForgetLeases, ct, ("before", before)).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return expired.Select(static e => e.Id).Distinct(StringComparer.Ordinal).Count() + leases.Count;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<(long Spent, long Reserved)> ReadAsync(string account, string period, CancellationToken cancellationToken) =>
        InTransactionAsync((connection, transaction, ct) => BalanceAsync(connection, transaction, account, period, ct), cancellationToken);

    /// <inheritdoc />
    public Task<LeaseGrant> RenewLeaseAsync(LeaseRenewal renewal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(renewal);
        var line = renewal.Line;
        return InTransactionAsync(
            async (connection, transaction, ct) =>
            {
                var row = await LeaseRowAsync(connection, transaction, renewal.LeaseId, LockRow, ct).ConfigureAwait(false);
                if (row is { } done && done.Generation == renewal.Generation + 1)
                {
                    // Applied before; this is a retry whose first answer was lost.
                    var (spentNow, reservedNow) = await BalanceAsync(connection, transaction, line.Account, line.Period, ct).ConfigureAwait(false);
                    await transaction.RollbackAsync(ct).ConfigureAwait(false);
                    return new LeaseGrant(done.Amount, done.Generation, Math.Max(0, line.LimitNanos - spentNow - reservedNow));
                }

                if (row is { } other && other.Generation != renewal.Generation)
                {
                    throw new InvalidOperationException($"lease {renewal.LeaseId} is at generation {other.Generation}, the renewal at {renewal.Generation}");
                }

                long held = row?.Amount ?? 0;
                // A lease the store forgot (released, then past retention) may have been booked before: book nothing again.
                long book = row is not null || renewal.Generation == 0 ? renewal.BookNanos : 0;
                var (spent, reserved) = await BookLeaseAsync(connection, transaction, line, book, ct).ConfigureAwait(false);
                long grant = renewal.Grant(line.LimitNanos - spent - (reserved - held), held);
                if (grant != held)
                {
                    await ExecuteAsync(connection, transaction, HoldLease, ct, ("account", line.Account), ("period", line.Period), ("delta", grant - held)).ConfigureAwait(false);
                }

                await ExecuteAsync(
                    connection,
                    transaction,
                    SaveLease,
                    ct,
                    ("id", renewal.LeaseId),
                    ("account", line.Account),
                    ("period", line.Period),
                    ("amount", grant),
                    ("generation", renewal.Generation + 1),
                    ("expires", renewal.ExpiresAt.ToUnixTimeMilliseconds() * 1000)).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return new LeaseGrant(grant, renewal.Generation + 1, Math.Max(0, line.LimitNanos - spent - (reserved - held + grant)));
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<LeaseBalance> ReadLeaseAsync(string account, string period, string leaseId, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async (connection, transaction, ct) =>
            {
                var (spent, reserved) = await BalanceAsync(connection, transaction, account, period, ct).ConfigureAwait(false);
                var row = await LeaseRowAsync(connection, transaction, leaseId, string.Empty, ct).ConfigureAwait(false);
                return new LeaseBalance(spent, reserved, row?.Amount ?? 0, row?.Generation ?? 0);
            },
            cancellationToken);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();

    private static async Task<(long Amount, long Generation)?> LeaseRowAsync(DbConnection connection, DbTransaction transaction, string leaseId, string lockRow, CancellationToken ct)
    {
        var command = Command(connection, transaction, "SELECT amount, generation FROM model_router_leases WHERE id = @id" + lockRow, ("id", leaseId));
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(ct).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
            }
        }
    }

    /// <summary>Books <paramref name="book"/> on the line's row (creating it; on PostgreSQL this locks it) and returns the row after.</summary>
    private static async Task<(long Spent, long Reserved)> BookLeaseAsync(DbConnection connection, DbTransaction transaction, SpendLine line, long book, CancellationToken ct)
    {
        var command = Command(connection, transaction, BookLease, ("account", line.Account), ("period", line.Period), ("spent", book));
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(ct).ConfigureAwait(false);
                return (reader.GetInt64(0), reader.GetInt64(1));
            }
        }
    }

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

    /// <summary>Runs <paramref name="sql"/> (releasing what expired before <paramref name="now"/>) and returns the rows it released.</summary>
    private static async Task<List<(string Id, string Account, string Period, long Amount)>> ExpiredRowsAsync(DbConnection connection, DbTransaction transaction, string sql, long now, CancellationToken ct)
    {
        var rows = new List<(string, string, string, long)>();
        var command = Command(connection, transaction, sql, ("now", now));
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
