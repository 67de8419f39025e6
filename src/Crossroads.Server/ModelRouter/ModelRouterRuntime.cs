using System.Globalization;
using Crossroads.ModelRouting.Bandits;
using Crossroads.ModelRouting.Budgets;
using Crossroads.ModelRouting.Budgets.Spend;
using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Decisions;
using Crossroads.ModelRouting.Execution;
using Crossroads.ModelRouting.Limits;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;
using Crossroads.ModelRouting.Telemetry;
using Crossroads.ModelRouting.Tokens;
using System.Diagnostics.Metrics;

namespace Crossroads.Server.ModelRouter;

/// <summary>The model router's parts, built once from validated options: catalog, adapters, planner, learner, budgets, engine.</summary>
internal sealed class ModelRouterRuntime : IAsyncDisposable, IDisposable
{
    /// <summary>The demo model's id.</summary>
    public const string DemoModelId = "crossroads-demo";

    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    public ModelRouterRuntime(ModelRouterOptions options, TimeProvider time, IMeterFactory meters, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _time = time;
        Options = options;
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // An answer abandoned half-way (the client left, a deadline passed) must end the upstream request at once:
            // by default the handler would keep reading it for up to 2 s to reuse the connection, while the upstream
            // goes on generating (and billing) tokens nobody reads.
            MaxResponseDrainSize = 0,
        })
        {
            // Deadlines are per attempt (the engine's first-token and total timeouts), not the client's.
            Timeout = Timeout.InfiniteTimeSpan,
        };

        var upstreams = new Dictionary<string, UpstreamEndpoint>(StringComparer.Ordinal);
        foreach (var u in options.Upstreams)
        {
            string? key = u.ApiKeyEnv is { Length: > 0 } env ? Environment.GetEnvironmentVariable(env) : null;
            IModelProvider provider = u.Kind switch
            {
                "demo" => new DemoModelProvider(),
                "anthropic" => new AnthropicProvider(u.Id, _http, new Uri(u.BaseUrl!), key, options.Routing.DefaultMaxOutputTokens),
                _ => new OpenAiCompatibleProvider(u.Id, _http, new Uri(u.BaseUrl!), key, MaxTokensParameters.TryParse(u.MaxTokensParameter, out var cap) ? cap : MaxTokensParameter.MaxTokens),
            };
            upstreams[u.Id] = new UpstreamEndpoint(provider, TimeSpan.FromMilliseconds(u.FirstTokenTimeoutMs), TimeSpan.FromMilliseconds(u.TimeoutMs));
        }

        var models = options.Models.Select(m => new ModelDescriptor
        {
            Id = m.Id,
            Upstream = m.Upstream,
            UpstreamModel = m.UpstreamModel,
            Aliases = [.. m.Aliases],
            InputPricePerMTok = m.InputPricePerMTok,
            OutputPricePerMTok = m.OutputPricePerMTok,
            CachedInputPricePerMTok = m.CachedInputPricePerMTok,
            CacheWritePricePerMTok = m.CacheWritePricePerMTok,
            Quality = m.Quality,
            LatencyP95Ms = m.LatencyP95Ms,
            ContextWindow = m.ContextWindow,
            MaxOutputTokens = m.MaxOutputTokens,
            Status = m.Status switch { "shadow" => ModelStatus.Shadow, "disabled" => ModelStatus.Disabled, _ => ModelStatus.Active },
            OwnedBy = m.Upstream,
            ImageTokens = ImageRule(options.Upstreams.Find(u => u.Id == m.Upstream)?.Kind, m),
            // What the upstream's kind can serve: the planner routes a request around models that cannot serve it.
            Capabilities = ((upstreams.TryGetValue(m.Upstream, out var upstream) ? upstream.Provider.Capabilities : RequestFeatures.All)
                | (m.Thinking ? AnthropicProvider.ThinkingServes : RequestFeatures.None)) & ~Lacking(m.Unsupported),
            ThinkingBudgets = m.Thinking ? ThinkingBudgets(m.ThinkingBudgets) : null,
            PromptCache = m.PromptCache == "auto",
            PromptCacheTtl = m.PromptCacheTtl,
        }).ToList();

        if (models.Count == 0 && options.DemoModel)
        {
            upstreams[DemoModelProvider.UpstreamId] = new UpstreamEndpoint(new DemoModelProvider(), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));
            models.Add(new ModelDescriptor
            {
                Id = DemoModelId,
                Upstream = DemoModelProvider.UpstreamId,
                Aliases = ["demo"],
                InputPricePerMTok = 0.10m,
                OutputPricePerMTok = 0.40m,
                Quality = 0.6,
                LatencyP95Ms = 50,
                ContextWindow = 128_000,
                OwnedBy = "crossroads-demo",
                Capabilities = DemoModelProvider.Serves,
            });
        }

        var r = options.Routing;
        RoutingPolicyNames.TryParse(r.DefaultPolicy, out var defaultPolicy);
        Settings = new RoutingSettings
        {
            FastThreshold = r.QualityThresholds.Fast,
            BalancedThreshold = r.QualityThresholds.Balanced,
            HighThreshold = r.QualityThresholds.High,
            DefaultPolicy = defaultPolicy,
            UcbC = r.Bandit.UcbC,
            Seed = r.Bandit.Seed,
            MinLatencySamples = r.Bandit.MinSamples,
            MaxAttempts = r.MaxAttempts,
            DefaultMaxOutputTokens = r.DefaultMaxOutputTokens,
            DefaultLatencySloMs = r.DefaultLatencySloMs,
            QualityWeight = r.Bandit.QualityWeight,
            LatencyWeight = r.Bandit.LatencyWeight,
            CostWeight = r.Bandit.CostWeight,
            CooldownAllowedFails = r.Cooldown.AllowedFails,
            CooldownWindow = TimeSpan.FromSeconds(r.Cooldown.WindowSeconds),
            CooldownDuration = TimeSpan.FromSeconds(r.Cooldown.CooldownSeconds),
        };

        Catalog = new ModelCatalog(models);
        var aliases = options.Aliases.Select(static a => new RouteAlias(
            a.Name,
            RoutingPolicyNames.TryParse(a.Policy, out var p) ? p : null,
            [.. a.Candidates],
            [.. a.Fallbacks])
        {
            Weights = new Dictionary<string, double>(a.Weights, StringComparer.OrdinalIgnoreCase),
        });
        var learner = new BanditLearner(Settings.Seed);
        var latency = new LatencyTracker();
        Health = new UpstreamHealth(
            Settings,
            time,
            options.Upstreams.Where(static u => u.MaxConcurrency is not null).ToDictionary(static u => u.Id, static u => u.MaxConcurrency!.Value, StringComparer.Ordinal));
        var planner = new RoutePlanner(Catalog, aliases, Settings, learner, latency, Health);
        var budgets = new BudgetLedger(
            BudgetAccounts(options),
            SpendStoreOpener(options, configuration),
            time,
            TimeSpan.FromSeconds(options.ReservationTimeoutSeconds),
            leases: options.BudgetLeases.Enabled
                ? new BudgetLeaseOptions(options.BudgetLeases.MaxUsd, TimeSpan.FromMilliseconds(options.BudgetLeases.FlushMs)) { Grace = TimeSpan.FromSeconds(options.BudgetLeases.GraceSeconds) }
                : null);
        Callers = new CallerDirectory(options);
        Limits = new KeyRateLimiter(options.Keys.Select(static k => new KeyLimit(k.Name, k.Rpm, k.Tpm)), time);
        var metrics = new RouterMetrics(meters.Create(Crossroads.Hosting.ModuleCatalog.ModelRouter.MeterName), KnownTenants(options));
        if (SharesLimits(options, configuration))
        {
            SharedLimits = new SharedRateLimits(Limits, ReplicaId(), time);
            metrics.ObserveSharedLimits(SharedLimits);
        }

        metrics.Observe(Health, upstreams.Keys, budgets);
        Engine = new RouterEngine(planner, upstreams, budgets, new DecisionStore(options.DecisionCapacity), learner, latency, Health, time, metrics);
        Created = time.GetUtcNow().ToUnixTimeSeconds();
    }

    public ModelRouterOptions Options { get; }

    public RoutingSettings Settings { get; }

    public ModelCatalog Catalog { get; }

    public RouterEngine Engine { get; }

    public UpstreamHealth Health { get; }

    /// <summary>How long until the first of <paramref name="plan"/>'s candidates' upstreams may be called again, when known.</summary>
    public TimeSpan? RetryAfter(RoutingPlan plan)
    {
        var now = _time.GetUtcNow();
        var at = plan.Candidates.Select(c => Health.AvailableAt(c.Upstream)).Where(static t => t is not null).Min();
        return at is { } when ? when - now : null;
    }

    /// <summary>The <c>created</c> time <c>GET /v1/models</c> reports (the process start).</summary>
    public long Created { get; }

    /// <summary>Who a request is: key, tenant, PII rule.</summary>
    public CallerDirectory Callers { get; }

    /// <summary>Per-key rpm/tpm limits.</summary>
    public KeyRateLimiter Limits { get; }

    /// <summary>The exchange of <see cref="Limits"/>' usage with other replicas (<see cref="ModelRouterRateSync"/>), or null when off or no key is limited.</summary>
    public SharedRateLimits? SharedLimits { get; }

    public async ValueTask DisposeAsync()
    {
        await Engine.Budgets.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
    }

    /// <summary>For a container disposed synchronously: the spend store closes its connections either way.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The tenants a request can be billed to without naming one in a header: configured tenants, keys' tenants, key names, the default.</summary>
    private static HashSet<string> KnownTenants(ModelRouterOptions options) =>
        new(
            options.Tenants.Select(static t => t.Id)
                .Concat(options.Keys.Select(static k => k.Tenant ?? k.Name))
                .Append(options.DefaultTenant),
            StringComparer.Ordinal);

    private static IEnumerable<BudgetAccount> BudgetAccounts(ModelRouterOptions options) =>
        options.Tenants.Where(static t => t.BudgetUsd is not null).Select(static t => Account(BudgetAccount.TenantId(t.Id), t.BudgetUsd!.Value, t.BudgetPeriod))
            .Concat(options.Keys.Where(static k => k.BudgetUsd is not null).Select(static k => Account(BudgetAccount.KeyId(k.Name), k.BudgetUsd!.Value, k.BudgetPeriod)));

    private static BudgetAccount Account(string id, decimal limit, string period) =>
        new(id, limit, BudgetPeriods.TryParse(period, out var p) ? p : BudgetPeriod.Total);

    /// <summary>The default thinking budgets with the configured ones over them (validated at start).</summary>
    private static Dictionary<string, int> ThinkingBudgets(Dictionary<string, int> configured)
    {
        var budgets = new Dictionary<string, int>(AnthropicThinking.DefaultBudgets, StringComparer.Ordinal);
        foreach (var (effort, budget) in configured)
        {
            budgets[effort] = budget;
        }

        return budgets;
    }

    /// <summary>The features named in <c>Models:N:Unsupported</c> (validated at start).</summary>
    /// <summary>
    /// How a model of upstream <paramref name="kind"/> bills images: Anthropic's pixel rule at the model's resize limit,
    /// the patch rule when configured or documented for the upstream model (the docs' multiplier by default), else the tile rule with
    /// the model's numbers (GPT-4o's by default).
    /// </summary>
    private static ImageTokenRule ImageRule(string? kind, ModelOptions model)
    {
        if (kind == "anthropic")
        {
            if (model.ImageMaxLongEdge is null && model.ImageMaxPixels is null)
            {
                return ImageTokenRule.Anthropic;
            }

            // A long edge set alone bounds the area by its square only: the model's own area bound is not known
            // (Claude Opus 4.7 keeps 2,576 pixels and ~3.75 MP, above half that square), and a tighter guess would
            // reserve below the bill of an image between the two.
            int edge = model.ImageMaxLongEdge ?? ImageTokenRule.MaxLongEdge;
            long area = model.ImageMaxPixels ?? (model.ImageMaxLongEdge is null ? ImageTokenRule.MaxPixels : (long)edge * edge);
            return ImageTokenRule.Pixels(edge, area);
        }

        return model.EffectiveImageRule() == "patches"
            ? ImageTokenRule.Patches(model.ImagePatchMultiplier ?? PatchMultipliers.For(model.UpstreamModel ?? model.Id), model.ImagePatchCap ?? ImageTokenRule.OpenAiPatchCap)
            : ImageTokenRule.Tiles(model.ImageBaseTokens ?? ImageTokenRule.OpenAiBaseTokens, model.ImageTileTokens ?? ImageTokenRule.OpenAiTileTokens);
    }

    private static RequestFeatures Lacking(List<string> names) =>
        names.Aggregate(RequestFeatures.None, static (all, name) => RequestFeatureNames.TryParse(name, out var f) ? all | f : all);

    /// <summary><c>SharedRateLimits:Mode</c>: on, or auto with PostgreSQL configured; and only when some key has a limit to share.</summary>
    private static bool SharesLimits(ModelRouterOptions options, IConfiguration configuration) =>
        options.Keys.Any(static k => k.Rpm is not null || k.Tpm is not null)
        && (options.SharedRateLimits.Mode == "on"
            || (options.SharedRateLimits.Mode == "auto" && !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Crossroads"))));

    /// <summary>Unique per process: a restarted replica starts new counters under a new id (its old rows go stale).</summary>
    private static string ReplicaId() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}");

    /// <summary>PostgreSQL when <c>ConnectionStrings:Crossroads</c> is set (shared by replicas, like the service routes' store), else SQLite in the data directory.</summary>
    private static Func<CancellationToken, Task<ISpendStore>> SpendStoreOpener(ModelRouterOptions options, IConfiguration configuration)
    {
        string? connectionString = configuration.GetConnectionString("Crossroads");
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return async ct => await PostgresSpendStore.OpenAsync(connectionString, ct).ConfigureAwait(false);
        }

        string directory = options.DataDirectory;
        return async ct => await SqliteSpendStore.OpenAsync(directory, ct).ConfigureAwait(false);
    }
}
