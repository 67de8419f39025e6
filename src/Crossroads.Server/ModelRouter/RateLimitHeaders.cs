using System.Globalization;
using Crossroads.ModelRouting.Limits;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// OpenAI's rate-limit headers, on every answer to a limited key: <c>x-ratelimit-limit-requests</c>,
/// <c>x-ratelimit-remaining-requests</c>, <c>x-ratelimit-reset-requests</c> and the <c>-tokens</c> variants; resets
/// as OpenAI writes durations (<c>120ms</c>, <c>1.5s</c>, <c>6m0s</c>).
/// </summary>
internal static class RateLimitHeaders
{
    public static void Apply(HttpResponse response, RateAdmission admission)
    {
        if (!admission.Limited || response.HasStarted)
        {
            return;
        }

        Window(response.Headers, "requests", admission.Requests);
        Window(response.Headers, "tokens", admission.Tokens);
    }

    /// <summary>A duration as OpenAI's headers write it (Go's duration format, milliseconds below a second).</summary>
    public static string Duration(TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1))
        {
            return ((long)Math.Ceiling(value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
        }

        if (value < TimeSpan.FromMinutes(1))
        {
            return Math.Round(value.TotalSeconds, 3).ToString("0.###", CultureInfo.InvariantCulture) + "s";
        }

        return ((long)value.TotalMinutes).ToString(CultureInfo.InvariantCulture) + "m" + Math.Round(value.TotalSeconds % 60, 3).ToString("0.###", CultureInfo.InvariantCulture) + "s";
    }

    private static void Window(IHeaderDictionary headers, string unit, RateWindow? window)
    {
        if (window is not { } w)
        {
            return;
        }

        headers["x-ratelimit-limit-" + unit] = w.Limit.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining-" + unit] = w.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-reset-" + unit] = Duration(w.Reset);
    }
}
