using Crossroads.ModelRouting.Limits;

namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>
/// The replicas' rate-limit usage in the module's database (<see cref="SharedRateLimits"/>): table
/// <c>model_router_rate_usage (replica, api_key, requests, tokens, updated_at)</c>, one row per replica and key holding
/// that replica's cumulative counters, stamped in Unix microseconds by the replica's clock (only compared against the
/// minute-scale stale limit, so clock skew of seconds does not matter).
/// </summary>
public abstract partial class SqlSpendStore
{
    private const string PublishUsage = """
        INSERT INTO model_router_rate_usage (replica, api_key, requests, tokens, updated_at) VALUES (@replica, @key, @requests, @tokens, @now)
        ON CONFLICT (replica, api_key) DO UPDATE SET requests = excluded.requests, tokens = excluded.tokens, updated_at = excluded.updated_at
        """;

    private const string DeleteStaleUsage = "DELETE FROM model_router_rate_usage WHERE updated_at < @stale";

    private const string OthersUsage = "SELECT replica, api_key, requests, tokens FROM model_router_rate_usage WHERE replica <> @replica";

    /// <inheritdoc />
    public Task<IReadOnlyList<ReplicaRateUsage>> ExchangeAsync(string replica, IReadOnlyList<RateUsage> mine, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mine);
        long stamp = now.ToUnixTimeMilliseconds() * 1000;
        long stale = staleBefore.ToUnixTimeMilliseconds() * 1000;
        return InTransactionAsync<IReadOnlyList<ReplicaRateUsage>>(
            async (connection, transaction, ct) =>
            {
                foreach (var usage in mine)
                {
                    await ExecuteAsync(connection, transaction, PublishUsage, ct, ("replica", replica), ("key", usage.Key), ("requests", usage.Requests), ("tokens", usage.Tokens), ("now", stamp)).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, transaction, DeleteStaleUsage, ct, ("stale", stale)).ConfigureAwait(false);
                var others = new List<ReplicaRateUsage>();
                var command = Command(connection, transaction, OthersUsage, ("replica", replica));
                await using (command.ConfigureAwait(false))
                {
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            others.Add(new ReplicaRateUsage(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
                        }
                    }
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return others;
            },
            cancellationToken);
    }
}
