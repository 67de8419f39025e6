using System.ComponentModel;

namespace Crossroads.Hosting;

/// <summary>
/// Reverse proxies whose <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> headers are trusted, bound from the
/// <c>Proxy</c> section. Without any, the socket's address is the client: behind a load balancer every client
/// would share one rate-limit budget, and the loopback-only write rule would judge the balancer instead.
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Proxy";

    /// <summary>Addresses of trusted proxies (e.g. <c>10.0.0.5</c>).</summary>
    [Description("Address of a trusted reverse proxy: its X-Forwarded-For/-Proto name the client (for logs, auth, rate limits).")]
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks of trusted proxies in CIDR form (e.g. <c>10.0.0.0/8</c>).</summary>
    [Description("Network (CIDR) of trusted reverse proxies.")]
    public IList<string> KnownNetworks { get; } = [];

    /// <summary>How many proxies in front of the server to unwrap (default 1).</summary>
    [Description("How many trusted proxies in front of the server to unwrap.")]
    public int ForwardLimit { get; set; } = 1;

    /// <summary>True when any proxy is trusted.</summary>
    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}
