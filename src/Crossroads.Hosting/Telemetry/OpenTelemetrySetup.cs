using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Crossroads.Hosting.Telemetry;

/// <summary>
/// The metrics pipeline: the OpenTelemetry SDK reads every <c>Crossroads.*</c> meter plus ASP.NET Core's standard
/// HTTP server and Kestrel meters, and its Prometheus exporter serves them at <c>GET /metrics</c> (chosen over
/// prometheus-net, which exports counters as gauges, prefixes names and was 5-10x slower per measurement; see the
/// README's "Metrics"). OTLP export of traces and metrics is added only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
/// set, so a plain install makes no outbound connections; other <c>OTEL_*</c> variables are read by the exporter.
/// </summary>
internal static class OpenTelemetrySetup
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>ASP.NET Core's meters whose instruments are exported (http.server.*, kestrel.*, aspnetcore.diagnostics.*).</summary>
    public static readonly string[] FrameworkMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics"];

    /// <summary>Adds the pipeline; returns true when OTLP export is on.</summary>
    public static bool Add(WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[EndpointKey]);
        var hasServiceName = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (!hasServiceName)
                {
                    resource.AddService("crossroads");
                }
            })
            .WithMetrics(metrics =>
            {
                // The SDK listens to matching meters of every IMeterFactory in the process; keep only this host's, so
                // several hosts in one process (tests) never add up each other's instruments.
                ((IDeferredMeterProviderBuilder)metrics).Configure(static (services, provider) =>
                {
                    var own = services.GetRequiredService<IMeterFactory>();
                    provider.AddView(instrument => instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, own) ? MetricStreamConfiguration.Drop : null);
                });
                metrics.AddMeter(ModuleCatalog.MeterPrefix + "*")
                    .AddMeter(FrameworkMeters)
                    .AddPrometheusExporter(static options =>
                    {
                        options.ScopeInfoEnabled = false;                   // no otel_scope_name label on every series
                        options.TargetInfoEnabled = false;                  // no target_info family
                        options.ScrapeResponseCacheDurationMilliseconds = 0; // every scrape is fresh (default: 300 ms cache)
                    });
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(static tracing => tracing
                .AddSource("Microsoft.AspNetCore")
                .AddSource(ModuleCatalog.MeterPrefix + "*")
                .AddOtlpExporter());
        }

        return otlp;
    }
}
