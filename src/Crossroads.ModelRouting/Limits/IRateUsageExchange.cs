namespace Crossroads.ModelRouting.Limits;

/// <summary>Where replicas publish what they took of each key's limits and read what the others took.</summary>
public interface IRateUsageExchange
{
    /// <summary>
    /// Stores <paramref name="mine"/> as <paramref name="replica"/>'s usage (replacing its earlier rows for those keys,
    /// stamped <paramref name="now"/>), deletes rows of replicas silent since <paramref name="staleBefore"/>, and returns
    /// every other replica's rows.
    /// </summary>
    Task<IReadOnlyList<ReplicaRateUsage>> ExchangeAsync(string replica, IReadOnlyList<RateUsage> mine, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken);
}
