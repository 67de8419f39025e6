using Microsoft.AspNetCore.Builder;

namespace Crossroads.Server.Tests.Infrastructure;

/// <summary>
/// The real server (<see cref="CrossroadsApp.Build"/>) in-process on a loopback port, with a DATA_DIR of its own
/// (deleted on dispose) unless given one. Module test servers derive from it and add their settings and clients.
/// Started means ready (<c>/health/ready</c> answered 200).
/// </summary>
public abstract class ModuleServer : IAsyncDisposable
{
    private readonly InProcessServer _server;
    private readonly TempDirectory? _owned;

    protected ModuleServer(InProcessServer server, TempDirectory? owned)
    {
        _server = server;
        _owned = owned;
        Client = server.NewClient();
    }

    public WebApplication App => _server.App;

    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>A client without credentials.</summary>
    public HttpClient Client { get; }

    public HttpClient NewClient() => _server.NewClient();

    public async ValueTask DisposeAsync()
    {
        await DisposeClientsAsync().ConfigureAwait(false);
        Client.Dispose();
        await _server.DisposeAsync().ConfigureAwait(false);
        _owned?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Builds the server from <paramref name="arguments"/> (given the DATA_DIR: <paramref name="dataDirectory"/>, or a
    /// fresh temporary one named with <paramref name="prefix"/>), starts it, waits until ready; cleans up on failure.
    /// </summary>
    protected static async Task<T> StartAsync<T>(string prefix, string? dataDirectory, Func<string, string[]> arguments, Func<InProcessServer, TempDirectory?, T> create)
        where T : ModuleServer
    {
        TempDirectory? owned = dataDirectory is null ? new TempDirectory(prefix) : null;
        InProcessServer? server = null;
        try
        {
            server = await InProcessServer.StartAsync(CrossroadsApp.Build(arguments(dataDirectory ?? owned!.Path))).ConfigureAwait(false);
            var result = create(server, owned);
            await RoutingServer.WaitUntilReadyAsync(result.Client).ConfigureAwait(false);
            return result;
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }

            owned?.Dispose();
            throw;
        }
    }

    /// <summary>Disposes the clients a derived server added.</summary>
    protected virtual ValueTask DisposeClientsAsync() => ValueTask.CompletedTask;
}
