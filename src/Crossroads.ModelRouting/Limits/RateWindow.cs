namespace Crossroads.ModelRouting.Limits;

/// <summary>
/// One limit's state as OpenAI reports it in <c>x-ratelimit-*</c> headers: the limit per minute, what is left now, and
/// how long until the bucket is full again.
/// </summary>
public readonly record struct RateWindow(long Limit, long Remaining, TimeSpan Reset);
