namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// A fake upstream serving <c>cheap</c> and the router on it (<see cref="ModelRouterServer.TwoModels"/>) with the chassis
/// API key <c>ci</c> (secret <c>secret-ci</c>) and its <c>ModelRouter:Keys:0</c> entry, plus <c>settings</c>; <see cref="Client"/> sends the key.
/// </summary>
public sealed class KeyedRouter : IAsyncDisposable
{
    private KeyedRouter(FakeUpstream upstream, ModelRouterServer server)
    {
        Upstream = upstream;
        Server = server;
        Client = server.ClientWithKey("secret-ci");
    }

    public FakeUpstream Upstream { get; }

    public FakeBehavior Cheap => Upstream.Models["cheap"];

    public ModelRouterServer Server { get; }

    public HttpClient Client { get; }

    /// <summary><paramref name="settings"/>: command-line settings, e.g. <c>--ModelRouter:Keys:0:Rpm=2</c>.</summary>
    public static async Task<KeyedRouter> StartAsync(params string[] settings)
    {
        var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap");
        try
        {
            var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(
                upstream.BaseUrl,
                [.. ModelRouterServer.ApiKey(0, "ci"), "--ModelRouter:Keys:0:Name=ci", .. settings]));
            return new KeyedRouter(upstream, server);
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
