using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Crossroads.Hosting.Telemetry;

/// <summary>
/// OTLP export of traces and metrics, only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (so a plain install makes
/// no outbound connections). The ASP.NET Core instrumentation package is not available to us, so the framework's
/// own <c>Microsoft.AspNetCore</c> activity source and meters are added directly; other <c>OTEL_*</c> variables
/// (headers, protocol, service name) are read by the exporter itself.
/// </summary>
internal static class OpenTelemetrySetup
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static bool TryAdd(WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointKey]))
        {
            return false;
        }

        var hasServiceName = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (!hasServiceName)
                {
                    resource.AddService("crossroads");
                }
            })
            .WithTracing(tracing => tracing
                .AddSource("Microsoft.AspNetCore")
                .AddSource(PrometheusPrefix + "*")
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(PrometheusPrefix + "*")
                .AddMeter("Microsoft.AspNetCore.Hosting")
                .AddMeter("Microsoft.AspNetCore.Server.Kestrel")
                .AddMeter("System.Runtime")
                .AddOtlpExporter());
        return true;
    }

    private const string PrometheusPrefix = ModuleCatalog.MeterPrefix;
}
