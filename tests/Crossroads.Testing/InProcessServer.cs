using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Crossroads.Testing;

/// <summary>
/// A server application started in the test process on a real Kestrel at 127.0.0.1, port 0 (pass
/// <see cref="LoopbackUrls"/> among its arguments), with a client for it; disposing stops it within 30 s.
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    /// <summary>The argument that makes Kestrel listen on a free loopback port.</summary>
    public const string LoopbackUrls = "--urls=http://127.0.0.1:0";

    private InProcessServer(WebApplication app)
    {
        App = app;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address);
        Client = LoopbackHttp.NewClient(BaseAddress);
    }

    /// <summary>The running application.</summary>
    public WebApplication App { get; }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for it (no proxy, no redirects).</summary>
    public HttpClient Client { get; }

    /// <summary>Starts <paramref name="app"/> (built with <see cref="LoopbackUrls"/>); disposes it if the start fails.</summary>
    public static async Task<InProcessServer> StartAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new InProcessServer(app);
    }

    /// <summary>A new client, e.g. for a second connection.</summary>
    public HttpClient NewClient() => LoopbackHttp.NewClient(BaseAddress);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await App.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Already stopped and disposed by the test.
        }

        await App.DisposeAsync().ConfigureAwait(false);
    }
}
