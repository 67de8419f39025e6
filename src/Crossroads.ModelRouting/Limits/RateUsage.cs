namespace Crossroads.ModelRouting.Limits;

/// <summary>What one replica took of one key's limits since it started: requests admitted and tokens (as settled).</summary>
public readonly record struct RateUsage(string Key, long Requests, long Tokens);
