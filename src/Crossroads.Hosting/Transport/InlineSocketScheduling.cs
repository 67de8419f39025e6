using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Transport;

/// <summary>Applies <see cref="TransportOptions.InlineScheduling"/> to Kestrel's socket transport and to the runtime's socket engine.</summary>
internal static class InlineSocketScheduling
{
    /// <summary>The runtime's switch for running socket continuations on its epoll threads; read once, from the environment only.</summary>
    internal const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SocketTransportOptions>()
            .Configure<IOptions<TransportOptions>>(static (socket, options) => socket.UnsafePreferInlineScheduling = options.Value.InlineScheduling);

        // Kestrel's option inlines its own pipe continuations, but the read that completes on the runtime's epoll
        // thread is still queued to the thread pool first unless this variable is set, and the upstream calls of
        // the model router (HttpClient) go through the same engine. The engine reads it once, when the first
        // asynchronous socket operation starts, which is after the host is built: setting it here is in time.
        // An operator's own value (0 included) wins.
        if (configuration.GetValue<bool>($"{TransportOptions.SectionName}:{nameof(TransportOptions.InlineScheduling)}")
            && Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }
}
