namespace Crossroads.ModelRouting.Limits;

/// <summary>An API key's rate limits: requests and tokens per minute (null: not limited).</summary>
public sealed record KeyLimit(string Key, int? RequestsPerMinute, int? TokensPerMinute);
