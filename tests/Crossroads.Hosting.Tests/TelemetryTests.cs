using Crossroads.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Crossroads.Hosting.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Otlp_export_is_off_without_an_endpoint()
    {
        await using var server = await ChassisServer.StartAsync();
        Assert.Null(server.App.Services.GetService<TracerProvider>());
        Assert.DoesNotContain(server.Logs.Records, r => r.EventId.Id == 1012);

        // The metrics pipeline itself always runs: it serves GET /metrics.
        Assert.NotNull(server.App.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task Otlp_export_of_traces_and_metrics_is_on_with_an_endpoint_and_logged()
    {
        // Nothing listens on the endpoint: export failures must not affect serving.
        await using var server = await ChassisServer.StartAsync(["--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9"]);
        Assert.NotNull(server.App.Services.GetService<TracerProvider>());
        Assert.NotNull(server.App.Services.GetService<MeterProvider>());
        Assert.Contains(server.Logs.Records, r => r.EventId.Id == 1012);
        using var response = await server.Client.GetAsync("/items");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
