using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;

namespace Crossroads.Hosting.Proxy;

/// <summary>Maps <see cref="ProxyOptions"/> onto ASP.NET Core's forwarded-headers middleware.</summary>
internal static class ForwardedHeadersSetup
{
    public static ForwardedHeadersOptions Create(ProxyOptions proxy)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = proxy.ForwardLimit,
        };

        // The defaults trust loopback; only what the operator lists is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (string address in proxy.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(address));
        }

        foreach (string network in proxy.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        return options;
    }
}
