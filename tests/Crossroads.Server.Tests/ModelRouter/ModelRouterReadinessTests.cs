using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>The module reports ready once its runtime is built, in the background, with the number of models it serves.</summary>
public sealed class ModelRouterReadinessTests
{
    [Fact]
    public async Task Readiness_lists_the_router_with_the_demo_model_when_nothing_is_configured()
    {
        await using var server = await ModelRouterServer.StartAsync();

        var check = await ModelRouterCheckAsync(server);

        Assert.Equal("Healthy", check.GetProperty("status").GetString());
        Assert.Equal("1 model", check.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Readiness_counts_the_configured_models()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        var check = await ModelRouterCheckAsync(server);

        Assert.Equal("Healthy", check.GetProperty("status").GetString());
        Assert.Equal("2 models", check.GetProperty("description").GetString());
    }

    private static async Task<JsonElement> ModelRouterCheckAsync(ModelRouterServer server)
    {
        var health = await Json.GetAsync(server.Client, "/health/ready");
        return health.GetProperty("checks").GetProperty("ModelRouter");
    }
}
