using System.Text;
using Crossroads.Hosting.Auth;
using Crossroads.Hosting.Configuration;
using Crossroads.Hosting.Correlation;
using Crossroads.Hosting.Errors;
using Crossroads.Hosting.Health;
using Crossroads.Hosting.Limits;
using Crossroads.Hosting.Logging;
using Crossroads.Hosting.Metrics;
using Crossroads.Hosting.Modules;
using Crossroads.Hosting.Proxy;
using Crossroads.Hosting.RateLimiting;
using Crossroads.Hosting.Shutdown;
using Crossroads.Hosting.Telemetry;
using Crossroads.Hosting.Transport;
using Crossroads.Hosting.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
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
using OpenTelemetry.Metrics;

namespace Crossroads.Hosting;

/// <summary>Composes the production chassis (health, metrics, logs, auth, limits, shutdown) into a web application.</summary>
public static class CrossroadsHostingExtensions
{
    /// <summary>UTF-8 that turns invalid bytes into U+FFFD instead of throwing, for request header values.</summary>
    private static readonly Encoding LenientUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>
    /// Registers the chassis and the enabled <paramref name="modules"/> (<c>Modules:&lt;Name&gt;:Enabled</c>, default
    /// true): legacy aliases, listen address, validated options, health, metrics, problems, auth, limits, and each
    /// module's status, health check, rate-limit budgets and services.
    /// </summary>
    public static WebApplicationBuilder AddCrossroadsHosting(this WebApplicationBuilder builder, IReadOnlyList<CrossroadsModule>? modules = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        var enabled = ModuleSwitches.Enabled(configuration, modules ?? []);

        ConfigurationAliases.Apply(configuration, ListenOptions.SectionName, ListenOptions.Aliases);
        foreach (var module in enabled)
        {
            ConfigurationAliases.Apply(configuration, module.Identity.SectionName, module.Aliases);
        }

        UseListenOptions(builder);

        var catalog = new OptionsCatalog();
        services.AddSingleton(catalog);
        var moduleSet = new ModuleSet(enabled, modules ?? []);
        services.AddSingleton(moduleSet);
        AddModuleRateLimitDefaults(services, enabled);
        AddChassisOptions(services, configuration, catalog);
        foreach (var module in enabled)
        {
            if (module.RateLimits is { } budgets)
            {
                catalog.Add(new OptionsEntry($"{RateLimitOptions.SectionName}:{nameof(RateLimitOptions.Modules)}:{module.Identity.Name}", typeof(ModuleRateLimitOptions), budgets, []));
            }
        }
        ConfigureLogging(builder);
        ConfigureServer(services);

        services.TryAddSingleton<DrainState>();
        services.AddHostedService<GracefulShutdownService>();
        services.AddHostedService<ModuleStartupMonitor>();
        var health = services.AddHealthChecks()
            .AddCheck<StartupHealthCheck>(HealthTags.StartupCheckName, tags: [HealthTags.Ready, HealthTags.Startup])
            .AddCheck<DrainHealthCheck>(HealthTags.DrainingCheckName, tags: [HealthTags.Ready]);

        services.AddMetrics();
        services.TryAddSingleton<ProcessMetrics>();

        // Ours first: the problem service uses the first writer that accepts, and ours accepts every request.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, ProblemJsonWriter>());
        services.AddProblemDetails(options => options.CustomizeProblemDetails += ProblemShaper.Apply);
        services.AddExceptionHandler<CrossroadsExceptionHandler>();

        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton(static sp => new ApiKeyAuthorizer(sp.GetRequiredService<ApiKeyStore>(), sp.GetRequiredService<IOptions<AuthOptions>>()));
        services.TryAddSingleton(static sp => new AuthFailureBudget(sp.GetRequiredService<IOptions<RateLimitOptions>>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));

        services.AddRateLimiter(static _ => { });
        services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<RateLimitOptions>, ModuleSet, ILoggerFactory>(static (options, settings, modules, loggers) => RateLimiterSetup.Configure(options, settings.Value, modules, loggers));

        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>()
            .Configure<IOptions<LimitsOptions>>(static (options, limits) => options.DefaultPolicy = new RequestTimeoutPolicy
            {
                Timeout = TimeSpan.FromSeconds(limits.Value.RequestTimeoutSeconds),
                TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
            });

        if (OpenTelemetrySetup.Add(builder))
        {
            services.AddSingleton(new OtlpEnabledMarker(configuration[OpenTelemetrySetup.EndpointKey]!));
        }

        for (int i = 0; i < enabled.Count; i++)
        {
            var module = enabled[i];
            var status = moduleSet.Statuses[i];
            services.AddKeyedSingleton(module.Identity.Name, status);
            health.AddCheck(module.Identity.Name, new ModuleHealthCheck(status), tags: [HealthTags.Ready, HealthTags.Startup, HealthTags.Module]);
            module.AddServices(new ModuleServices(module, services, configuration, builder.Environment, catalog));
        }

        return builder;
    }

    /// <summary>Maps every enabled module's endpoints on its own route group: prefix, OpenAPI tag, module metadata.</summary>
    public static WebApplication MapCrossroadsModules(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var modules = app.Services.GetRequiredService<ModuleSet>().Modules;
        for (int i = 0; i < modules.Count; i++)
        {
            var module = modules[i];
            var group = app.MapGroup(module.RoutePrefix)
                .WithTags(module.Identity.Name)
                .WithMetadata(new ModuleEndpointMetadata(module.Identity, i, module.ShapeProblem));
            module.MapEndpoints(group);
        }

        return app;
    }

    /// <summary>Adds the chassis middleware in the order it must run.</summary>
    public static WebApplication UseCrossroadsHosting(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.Services;

        // Created now, not on first use: listeners must exist before requests and module instruments, and
        // resolving the key store validates Auth and logs the "no keys" warning at start.
        services.GetRequiredService<MeterProvider>();
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

        app.UseMiddleware<FrontMiddleware>();            // request id and log scope cover everything below; 414 before any
                                                         // routing work; empty 4xx/5xx (404, 405, 504, Kestrel's) become problem+json
        app.UseExceptionHandler();                       // exceptions below become problem+json
        app.UseRouting();                                // endpoint metadata for the next four
        app.UseMiddleware<RequestBodyLimitMiddleware>(); // 413 by the endpoint's limit, else Limits:MaxRequestBodySize
        // Only endpoints that may have a timeout enter the framework's middleware: it allocates a closure on every
        // request before it looks at the endpoint, also for those that opted out (the lookup, ~40 bytes of ~800).
        app.UseWhen(static context => context.GetEndpoint()?.Metadata.GetMetadata<DisableRequestTimeoutAttribute>() is null, static timed => timed.UseRequestTimeouts());
        app.UseMiddleware<ApiKeyMiddleware>();           // identifies the client the rate limiter partitions by; own budget for failures
        app.UseMiddleware<RateLimitMiddleware>();        // the global limiter of RateLimiterOptions, without the framework middleware's per-request extras
        return app;
    }

    /// <summary>Maps probes and the metrics endpoint.</summary>
    public static IEndpointRouteBuilder MapCrossroadsOperations(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        MapProbe(endpoints, HealthTags.Live, "/health/live", "/livez");
        MapProbe(endpoints, HealthTags.Ready, "/health/ready", "/readyz");
        MapProbe(endpoints, HealthTags.Startup, "/health/startup", "/startupz");
        endpoints.MapPrometheusScrapingEndpoint("/metrics")
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

    private static void AddChassisOptions(IServiceCollection services, IConfiguration configuration, OptionsCatalog catalog)
    {
        AddOptions<ListenOptions>(services, configuration, ListenOptions.SectionName, catalog, ListenOptions.Aliases);
        AddOptions<AuthOptions>(services, configuration, AuthOptions.SectionName, catalog);
        AddOptions<RateLimitOptions>(services, configuration, RateLimitOptions.SectionName, catalog);
        AddOptions<LimitsOptions>(services, configuration, LimitsOptions.SectionName, catalog);
        AddOptions<ShutdownOptions>(services, configuration, ShutdownOptions.SectionName, catalog);
        AddOptions<ProxyOptions>(services, configuration, ProxyOptions.SectionName, catalog);
        AddOptions<TransportOptions>(services, configuration, TransportOptions.SectionName, catalog);
        InlineSocketScheduling.Add(services, configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShutdownOptions>, ShutdownOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>());
    }

    private static void AddOptions<TOptions>(IServiceCollection services, IConfiguration configuration, string section, OptionsCatalog catalog, IReadOnlyList<ConfigurationAlias>? aliases = null)
        where TOptions : class, new() =>
        ValidatedOptions.Add<TOptions>(services, configuration.GetSection(section), aliases ?? [], catalog);

    /// <summary>
    /// Each module's budgets start from its declared defaults; <c>RateLimits:Modules:&lt;Name&gt;</c> binds over them
    /// (registered before the section's binding, so configuration wins key by key).
    /// </summary>
    private static void AddModuleRateLimitDefaults(IServiceCollection services, IReadOnlyList<CrossroadsModule> modules)
    {
        foreach (var module in modules)
        {
            if (module.RateLimits is not { } defaults)
            {
                continue;
            }

            string name = module.Identity.Name;
            services.AddOptions<RateLimitOptions>().Configure(options => options.Modules[name] = Copy(defaults));
        }

        static ModuleRateLimitOptions Copy(ModuleRateLimitOptions d) => new()
        {
            Reads = new TokenBucketSettings { PermitsPerSecond = d.Reads.PermitsPerSecond, Burst = d.Reads.Burst },
            Writes = new TokenBucketSettings { PermitsPerSecond = d.Writes.PermitsPerSecond, Burst = d.Writes.Burst },
            PartitionBy = d.PartitionBy,
        };
    }

    /// <summary>
    /// An explicit <c>--urls</c> / <c>ASPNETCORE_URLS</c> / Kestrel endpoint wins; <c>Listen</c> (HOST/PORT), when set,
    /// wins over <c>ASPNETCORE_HTTP_PORTS</c>, which every .NET container image presets (8080); with neither, the
    /// defaults apply (0.0.0.0:8000), as in the Python services. Read here because the URL must be known before the
    /// host is built; an invalid value fails like any other option (exit 2).
    /// </summary>
    private static void UseListenOptions(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var section = configuration.GetSection(ListenOptions.SectionName);
        bool explicitUrls = !string.IsNullOrEmpty(configuration["urls"]) || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        bool listenGiven = section.GetChildren().Any(static c => !string.IsNullOrEmpty(c.Value));
        bool portsGiven = !string.IsNullOrEmpty(configuration["http_ports"]) || !string.IsNullOrEmpty(configuration["https_ports"]);
        if (explicitUrls || (!listenGiven && portsGiven))
        {
            return;
        }

        // The port is checked as text first so that 'PORT=http' is phrased like 'PORT=0', not as a binder error.
        string? port = section[nameof(ListenOptions.Port)];
        if (!string.IsNullOrEmpty(port) && !int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            throw new OptionsValidationException(ListenOptions.SectionName, typeof(ListenOptions), [$"Listen:Port (PORT): must be between 1 and 65535, got '{port}'"]);
        }

        var listen = new ListenOptions();
        section.Bind(listen, static binder => binder.ErrorOnUnknownConfiguration = true);
        var result = new AnnotatedOptionsValidator<ListenOptions>(ListenOptions.SectionName, ListenOptions.Aliases).Validate(null, listen);
        if (result.Failed)
        {
            throw new OptionsValidationException(ListenOptions.SectionName, typeof(ListenOptions), result.Failures);
        }

        builder.WebHost.UseUrls(listen.Url());
    }

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        var logging = builder.Logging;

        // The request scope carries TraceId/SpanId itself; activity tracking would repeat them in a second scope.
        logging.Configure(static options => options.ActivityTrackingOptions = ActivityTrackingOptions.None);

        // The factory's scope provider: the request scope (set once per request by FrontMiddleware) first, then the
        // BeginScope scopes; every provider that supports external scopes gets it from the factory.
        RequestScopeProvider.Register(logging);

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
            // Only the JSON console: the default Debug and EventSource providers write nothing in a container
            // (no debugger; diagnostics IPC is off in the image), but each is a scope logger, so every request's
            // log scope was pushed through three and allocated a composite scope.
            logging.ClearProviders();
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

                // Kestrel reads header values as UTF-8 but refuses bytes that are not valid UTF-8 (a Latin-1 'é', which
                // HTTP allows as obs-text) with an empty 400 before any middleware runs. Decoded with replacement
                // characters instead, such a value reaches the chassis, which judges it where it is used: an invalid
                // X-Request-ID is replaced, an unknown API key is a 403 problem, a header nobody reads changes nothing.
                // Valid UTF-8 decodes as before.
                kestrel.RequestHeaderEncodingSelector = static _ => LenientUtf8;
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
