using Crossroads.Hosting.Auth;
using Crossroads.Hosting.Correlation;
using Crossroads.Hosting.Errors;
using Crossroads.Hosting.Health;
using Crossroads.Hosting.Limits;
using Crossroads.Hosting.Logging;
using Crossroads.Hosting.Metrics;
using Crossroads.Hosting.Proxy;
using Crossroads.Hosting.RateLimiting;
using Crossroads.Hosting.Shutdown;
using Crossroads.Hosting.Telemetry;
using Crossroads.Hosting.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting;

/// <summary>Composes the production chassis (health, metrics, logs, auth, limits, shutdown) into a web application.</summary>
public static class CrossroadsHostingExtensions
{
    /// <summary>Registers the chassis services and binds and validates their options.</summary>
    public static WebApplicationBuilder AddCrossroadsHosting(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        AddValidatedOptions<AuthOptions, AuthOptionsValidator>(services, configuration, AuthOptions.SectionName);
        AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(services, configuration, RateLimitOptions.SectionName);
        AddValidatedOptions<LimitsOptions, LimitsOptionsValidator>(services, configuration, LimitsOptions.SectionName);
        AddValidatedOptions<ShutdownOptions, ShutdownOptionsValidator>(services, configuration, ShutdownOptions.SectionName);
        AddValidatedOptions<ProxyOptions, ProxyOptionsValidator>(services, configuration, ProxyOptions.SectionName);

        ConfigureLogging(builder);
        ConfigureServer(services);

        services.TryAddSingleton<StartupState>();
        services.TryAddSingleton<DrainState>();
        services.AddHostedService<GracefulShutdownService>();
        services.AddHealthChecks()
            .AddCheck<StartupHealthCheck>("startup", tags: [HealthTags.Ready, HealthTags.Startup])
            .AddCheck<DrainHealthCheck>("draining", tags: [HealthTags.Ready]);

        services.AddMetrics();
        services.TryAddSingleton<PrometheusCollector>();
        services.TryAddSingleton<ProcessMetrics>();
        services.TryAddSingleton<RequestActivityListener>();

        // Ours first: the problem service uses the first writer that accepts, and ours accepts every request.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, ProblemJsonWriter>());
        services.AddProblemDetails(options => options.CustomizeProblemDetails += ProblemShaper.Apply);
        services.AddExceptionHandler<CrossroadsExceptionHandler>();

        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton(static sp => new ApiKeyAuthorizer(sp.GetRequiredService<ApiKeyStore>(), sp.GetRequiredService<IOptions<AuthOptions>>()));
        services.TryAddSingleton(static sp => new AuthFailureBudget(sp.GetRequiredService<IOptions<RateLimitOptions>>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));

        services.AddRateLimiter(static _ => { });
        services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<RateLimitOptions>>(static (options, settings) => RateLimiterSetup.Configure(options, settings.Value));

        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>()
            .Configure<IOptions<LimitsOptions>>(static (options, limits) => options.DefaultPolicy = new RequestTimeoutPolicy
            {
                Timeout = TimeSpan.FromSeconds(limits.Value.RequestTimeoutSeconds),
                TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
            });

        if (OpenTelemetrySetup.TryAdd(builder))
        {
            services.AddSingleton(new OtlpEnabledMarker(configuration[OpenTelemetrySetup.EndpointKey]!));
        }

        return builder;
    }

    /// <summary>Adds the chassis middleware in the order it must run.</summary>
    public static WebApplication UseCrossroadsHosting(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.Services;

        // Created now, not on first use: listeners must exist before requests and module instruments, and
        // resolving the key store validates Auth and logs the "no keys" warning at start.
        services.GetRequiredService<RequestActivityListener>();
        services.GetRequiredService<PrometheusCollector>();
        services.GetRequiredService<ProcessMetrics>();
        services.GetRequiredService<ApiKeyStore>();
        if (services.GetService<OtlpEnabledMarker>() is { } otlp)
        {
            HostingLog.OtlpEnabled(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CrossroadsHostingExtensions)), otlp.Endpoint);
        }

        // Outermost to innermost; each comment says why it sits where it does.
        var proxy = services.GetRequiredService<IOptions<ProxyOptions>>().Value;
        if (proxy.Enabled)
        {
            app.UseForwardedHeaders(ForwardedHeadersSetup.Create(proxy)); // the real client, for logs, auth and limits
        }

        app.UseMiddleware<CorrelationMiddleware>();      // request id and log scope cover everything below
        app.UseMiddleware<HttpMetricsMiddleware>();      // sees the final status, including the exception handler's 500
        app.UseExceptionHandler();                       // exceptions below become problem+json
        app.UseStatusCodePages();                        // empty 4xx/5xx (404, 405, 504, Kestrel's) become problem+json
        app.UseMiddleware<RequestLimitsMiddleware>();    // 414/413 before any routing work
        app.UseRouting();                                // endpoint metadata for the next three
        app.UseRequestTimeouts();
        app.UseMiddleware<ApiKeyMiddleware>();           // identifies the client the rate limiter partitions by; own budget for failures
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Maps probes and the metrics endpoint.</summary>
    public static IEndpointRouteBuilder MapCrossroadsOperations(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        MapProbe(endpoints, HealthTags.Live, "/health/live", "/livez");
        MapProbe(endpoints, HealthTags.Ready, "/health/ready", "/readyz");
        MapProbe(endpoints, HealthTags.Startup, "/health/startup", "/startupz");
        endpoints.MapGet("/metrics", static (PrometheusCollector collector) => Results.Text(collector.Scrape(), PrometheusTextWriter.ContentType))
            .WithMetadata(OperationsEndpointMetadata.Instance)
            .DisableRateLimiting()
            .ExcludeFromDescription();
        return endpoints;
    }

    private static void MapProbe(IEndpointRouteBuilder endpoints, string tag, params string[] patterns)
    {
        var options = new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(tag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        };
        foreach (var pattern in patterns)
        {
            endpoints.MapHealthChecks(pattern, options)
                .WithMetadata(OperationsEndpointMetadata.Instance)
                .DisableRateLimiting();
        }
    }

    private static void AddValidatedOptions<TOptions, TValidator>(IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        // Unknown keys fail too: a misspelt setting silently falling back to its default is worse than refusing to start.
        services.AddOptions<TOptions>()
            .Bind(configuration.GetSection(section), static binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        var logging = builder.Logging;

        // The request scope carries TraceId/SpanId itself; activity tracking would repeat them in a second scope.
        logging.Configure(static options => options.ActivityTrackingOptions = ActivityTrackingOptions.None);

        // Hosting diagnostics log two Information lines per request and open a scope whose RequestId is Kestrel's
        // connection-based id, not ours; the request log scope replaces both.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
        {
            // "Executing endpoint" and similar are per-request Information lines; operators can still opt in.
            logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        if (builder.Environment.IsDevelopment())
        {
            logging.AddSimpleConsole(static options =>
            {
                options.IncludeScopes = true;
                options.SingleLine = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        else
        {
            logging.AddJsonConsole(static options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
    }

    private static void ConfigureServer(IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<LimitsOptions>>(static (kestrel, options) =>
            {
                var limits = options.Value;
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodySize;
                kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalSize;

                // Leave room above our own URL limit so over-long URLs get our 414 problem, not Kestrel's empty one.
                kestrel.Limits.MaxRequestLineSize = Math.Max(kestrel.Limits.MaxRequestLineSize, limits.MaxUrlLength + 1024);
            });
        services.AddOptions<HostOptions>()
            .Configure<IOptions<ShutdownOptions>>(static (host, options) =>
                host.ShutdownTimeout = TimeSpan.FromSeconds(options.Value.DrainDelaySeconds + options.Value.TimeoutSeconds));
    }

    /// <summary>Remembers that OTLP export was configured so the start-up log can say so.</summary>
    private sealed record OtlpEnabledMarker(string Endpoint);
}
