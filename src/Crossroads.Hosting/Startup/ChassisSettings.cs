using System.Globalization;

namespace Crossroads.Hosting;

/// <summary>The chassis' own settings for <c>--help</c>; defaults are read from the options types so they cannot drift.</summary>
public static class ChassisSettings
{
    /// <summary>Every chassis setting with its default and description.</summary>
    public static IReadOnlyList<SettingHelp> All { get; } = Build();

    private static List<SettingHelp> Build()
    {
        var rate = new RateLimitOptions();
        var limits = new LimitsOptions();
        var shutdown = new ShutdownOptions();
        return
        [
            new("Auth:ApiKeys:<n>:Name", "", "Name of an API key; shown in logs (scope ApiKey) and audit."),
            new("Auth:ApiKeys:<n>:Sha256", "", "Hex SHA-256 of the key (e.g. printf %s KEY | sha256sum). With no keys at all, writes are loopback-only."),
            new("Auth:ApiKeysFile", "", "Path to a JSON file with an array of {\"Name\",\"Sha256\"} objects, merged with Auth:ApiKeys."),
            new("Auth:RequireKeyForReads", "false", "Require an API key for reads too (needs at least one key)."),
            new("RateLimits:Enabled", Text(rate.Enabled), "Per-client token-bucket rate limits; set false for load tests from one client."),
            new("RateLimits:Reads:PermitsPerSecond", Text(rate.Reads.PermitsPerSecond), "Read requests per second per client (API key name, else remote address; IPv6 by /64)."),
            new("RateLimits:Reads:Burst", Text(rate.Reads.Burst), "Read requests a client may make at once."),
            new("RateLimits:Writes:PermitsPerSecond", Text(rate.Writes.PermitsPerSecond), "Write requests per second per client."),
            new("RateLimits:Writes:Burst", Text(rate.Writes.Burst), "Write requests a client may make at once."),
            new("RateLimits:AuthFailures:PermitsPerSecond", Text(rate.AuthFailures.PermitsPerSecond), "Failed API-key attempts per second per client address (IPv6 by /64); once spent, requests with any key get 429."),
            new("RateLimits:AuthFailures:Burst", Text(rate.AuthFailures.Burst), "Failed API-key attempts a client address may make at once."),
            new("Limits:MaxUrlLength", Text(limits.MaxUrlLength), "Longest request target (path and query) in characters; longer gets 414."),
            new("Limits:MaxRequestHeadersTotalSize", Text(limits.MaxRequestHeadersTotalSize), "Largest total request header size in bytes; larger gets 431."),
            new("Limits:MaxRequestBodySize", Text(limits.MaxRequestBodySize), "Largest request body in bytes; larger gets 413."),
            new("Limits:RequestTimeoutSeconds", Text(limits.RequestTimeoutSeconds), "Seconds before a request is cancelled and answered with 504."),
            new("Shutdown:DrainDelaySeconds", Text(shutdown.DrainDelaySeconds), "Seconds to keep serving after SIGTERM while readiness fails."),
            new("Shutdown:TimeoutSeconds", Text(shutdown.TimeoutSeconds), "Seconds in-flight requests get to finish after listeners close."),
            new("Proxy:KnownProxies:<n>", "", "Address of a trusted reverse proxy: its X-Forwarded-For/-Proto name the client (for logs, auth, rate limits)."),
            new("Proxy:KnownNetworks:<n>", "", "Network (CIDR) of trusted reverse proxies."),
            new("Proxy:ForwardLimit", "1", "How many trusted proxies in front of the server to unwrap."),
            new("OTEL_EXPORTER_OTLP_ENDPOINT", "", "When set, traces and metrics are also exported with OTLP to this endpoint (standard OTEL_* variables apply)."),
            new("Logging:LogLevel:Default", "Information", "Minimum log level; logs are JSON on stdout (plain text in Development)."),
        ];
    }

    private static string Text(object value) => Convert.ToString(value, CultureInfo.InvariantCulture)!.ToLowerInvariant();
}
