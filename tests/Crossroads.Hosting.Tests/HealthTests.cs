using System.Net;
using System.Text.Json;
using Crossroads.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crossroads.Hosting.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Before_startup_completes_startup_and_ready_are_503_and_live_is_200()
    {
        await using var server = await ChassisServer.StartAsync(markStarted: false);
        await AssertStatusAsync(server.Client, HttpStatusCode.ServiceUnavailable, "/health/startup", "/startupz", "/health/ready", "/readyz");
        await AssertStatusAsync(server.Client, HttpStatusCode.OK, "/health/live", "/livez");

        server.MarkReady();
        await AssertStatusAsync(server.Client, HttpStatusCode.OK, "/health/startup", "/startupz", "/health/ready", "/readyz");
    }

    [Fact]
    public async Task Probe_body_has_overall_and_per_check_status_and_duration()
    {
        await using var server = await ChassisServer.StartAsync(markStarted: false);
        using var response = await server.Client.GetAsync("/readyz");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", json.GetProperty("status").GetString());
        Assert.True(json.GetProperty("durationMs").GetDouble() >= 0);
        var startup = json.GetProperty("checks").GetProperty("startup");
        Assert.Equal("Unhealthy", startup.GetProperty("status").GetString());
        Assert.True(startup.GetProperty("durationMs").GetDouble() >= 0);
        Assert.Equal("Healthy", json.GetProperty("checks").GetProperty("draining").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_failing_module_check_tagged_ready_fails_readiness_but_not_liveness()
    {
        await using var server = await ChassisServer.StartAsync(configure: builder =>
            builder.Services.AddHealthChecks().AddCheck("table", () => HealthCheckResult.Unhealthy("table not loaded"), tags: [HealthTags.Ready]));
        using var ready = await server.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("table not loaded", json.GetProperty("checks").GetProperty("table").GetProperty("description").GetString());
        await AssertStatusAsync(server.Client, HttpStatusCode.OK, "/livez", "/startupz");
    }

    [Fact]
    public async Task During_drain_readiness_is_503_while_new_connections_are_still_served_then_the_server_stops()
    {
        await using var server = await ChassisServer.StartAsync(["--Shutdown:DrainDelaySeconds=2"]);
        await AssertStatusAsync(server.Client, HttpStatusCode.OK, "/readyz");

        var stopping = server.App.StopAsync();
        Assert.True(server.App.Services.GetRequiredService<DrainState>().IsDraining);

        using var freshConnection = server.NewClient();
        await AssertStatusAsync(freshConnection, HttpStatusCode.ServiceUnavailable, "/readyz", "/health/ready");
        await AssertStatusAsync(freshConnection, HttpStatusCode.OK, "/livez", "/items");
        Assert.False(stopping.IsCompleted);

        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        using var afterStop = server.NewClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => afterStop.GetAsync("/livez"));
    }

    [Fact]
    public async Task In_flight_requests_finish_after_the_drain_delay_ends()
    {
        await using var server = await ChassisServer.StartAsync(["--Shutdown:DrainDelaySeconds=0.2"]);
        var inFlight = server.Client.GetAsync("/wait?ms=1500");
        await Task.Delay(200);
        var stopping = server.App.StopAsync();
        using var response = await inFlight.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("waited", await response.Content.ReadAsStringAsync());
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
    }

    private static async Task AssertStatusAsync(HttpClient client, HttpStatusCode expected, params string[] paths)
    {
        foreach (var path in paths)
        {
            using var response = await client.GetAsync(path);
            Assert.True(expected == response.StatusCode, $"{path} answered {(int)response.StatusCode}, expected {(int)expected}");
        }
    }
}
