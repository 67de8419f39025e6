namespace Crossroads.ModelRouting.Limits;

/// <summary>Another replica's <see cref="RateUsage"/> of one key, as the shared store holds it.</summary>
public readonly record struct ReplicaRateUsage(string Replica, string Key, long Requests, long Tokens);
