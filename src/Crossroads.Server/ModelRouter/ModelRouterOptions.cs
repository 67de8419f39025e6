using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Settings of the model router, section <c>ModelRouter</c>. With no models configured (and <see cref="DemoModel"/>
/// on) the built-in demo model is served so every endpoint can be tried without any provider.
/// </summary>
public sealed class ModelRouterOptions
{
    /// <summary>Upstreams (provider endpoints).</summary>
    [Description("Upstreams: N:Id, N:Kind (openai|anthropic|demo), N:BaseUrl, N:ApiKeyEnv (name of the environment variable holding the key), N:TimeoutMs, N:FirstTokenTimeoutMs, N:MaxConcurrency, N:MaxTokensParameter (max_tokens|max_completion_tokens, the member the token cap is sent in; openai kind only).")]
    public List<UpstreamOptions> Upstreams { get; set; } = [];

    /// <summary>Models.</summary>
    [Description("Models: N:Id, N:Upstream, N:UpstreamModel, N:Aliases, N:InputPricePerMTok, N:OutputPricePerMTok, N:CachedInputPricePerMTok and N:CacheWritePricePerMTok (USD; cache reads and writes default to the input price), N:Quality (0..1), N:LatencyP95Ms, N:ContextWindow, N:MaxOutputTokens (the model's output limit, thinking included; empty: not checked), N:Status (active|shadow|disabled), N:ImageRule (openai kind only: tiles|patches; default patches for the models OpenAI's docs bill by patches, e.g. gpt-4.1-mini, o4-mini, gpt-5-mini, unless tile numbers are set, else tiles), N:ImageBaseTokens and N:ImageTileTokens (tiles: how the model bills an image, base + per 512-px tile; default 85 and 170, GPT-4o's; gpt-4o-mini: 2833 and 5667), N:ImagePatchMultiplier and N:ImagePatchCap (patches: tokens per 32-px patch, default the docs' value for the upstream model, else 2.46; at most 1536 patches), N:ImageMaxLongEdge and N:ImageMaxPixels (anthropic kind only: the image size kept before scaling down; default 1568 and 784 x 1568), N:Unsupported (request features the model lacks although its upstream's kind serves them, e.g. logprobs, response_format.json_schema, reasoning_effort), N:Thinking (anthropic: serve reasoning_effort as extended thinking), N:ThinkingBudgets:<effort> (budget_tokens, at least 1024), N:PromptCache (anthropic: off|auto; breakpoints on the last tool, the system text and the last user turn), N:PromptCacheTtl (5m|1h, default 5m).")]
    public List<ModelOptions> Models { get; set; } = [];

    /// <summary>Route aliases (<c>auto</c> is built in).</summary>
    [Description("Route aliases: N:Name, N:Policy, N:Candidates (model ids; empty: all), N:Fallbacks, N:Weights:<model>=w (weighted policy). 'auto' exists unless configured.")]
    public List<RouteAliasOptions> Aliases { get; set; } = [];

    /// <summary>Routing policy settings.</summary>
    [Description("Routing: DefaultPolicy, QualityThresholds, Bandit, MaxAttempts, DefaultMaxOutputTokens, Cooldown.")]
    public RoutingOptions Routing { get; set; } = new();

    /// <summary>Tenants: budgets and PII handling.</summary>
    [Description("Tenants: N:Id, N:BudgetUsd (spend limit per period; empty: unlimited), N:BudgetPeriod (daily|monthly|total, UTC), N:Pii (off|redact|block), N:PiiRestore (with redact: put the client's values back where the answer repeats the placeholders; default true), N:PiiKinds (what the rule covers: api_secret, email, iban, card_number, ssn, phone, ip_address; default all but ip_address).")]
    public List<TenantOptions> Tenants { get; set; } = [];

    /// <summary>API keys (chassis key names): their tenant, rate limits and budgets.</summary>
    [Description("Keys: N:Name (a chassis API key name, or the AnonymousKey), N:Tenant (a configured tenant), N:Rpm, N:Tpm, N:BudgetUsd, N:BudgetPeriod (daily|monthly|total), N:Pii, N:PiiRestore, N:PiiKinds (the key's own PII rule in place of its tenant's; empty: the tenant's).")]
    public List<KeyOptions> Keys { get; set; } = [];

    /// <summary>Whether replicas share the keys' rpm/tpm limits through the module's database.</summary>
    [Description("SharedRateLimits: Mode (auto: on when ConnectionStrings:Crossroads is set | on: also on the SQLite store, for processes sharing one data directory | off: each replica limits alone), SyncMs (how often a replica exchanges its usage).")]
    public SharedRateLimitOptions SharedRateLimits { get; set; } = new();

    /// <summary>Per-replica budget leases (see <c>BudgetLeases</c> in the domain library).</summary>
    [Description("BudgetLeases: Enabled (serve budgeted requests from per-replica leases renewed in the background: one store transaction per account per FlushMs instead of two per request; false: every request reserves and settles in the store), MaxUsd (the most one lease holds; a request estimated above it reserves in the store), FlushMs (how often active leases are renewed: spend reaches the store at most this late), GraceSeconds (how long a lease stays usable after its last renewal, i.e. serves through a store outage; at least 2 x FlushMs; a dead replica's lease is held ReservationTimeoutSeconds + GraceSeconds).")]
    public BudgetLeaseSettings BudgetLeases { get; set; } = new();

    /// <summary>The key name of requests that presented no API key.</summary>
    [Description("Key name given to requests without an API key (a Keys entry of this name limits them).")]
    [Required]
    public string AnonymousKey { get; set; } = "anonymous";

    /// <summary>Directory of the SQLite spend store (alias <c>DATA_DIR</c>).</summary>
    [Description("Directory of the SQLite spend store (model-router.db), used when budgets exist and ConnectionStrings:Crossroads is not set.")]
    [Required]
    public string DataDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>How long a budget reservation lives unless settled (the holder crashed): longer than any request can run.</summary>
    [Description("Seconds an unsettled budget reservation is held (a replica that died keeps it this long); must exceed the longest request (TimeoutMs × MaxAttempts).")]
    [Range(1, 86_400)]
    public int ReservationTimeoutSeconds { get; set; } = 900;

    /// <summary>Tenant of requests that name none (no API key, no X-Crossroads-Tenant header).</summary>
    [Description("Tenant billed for requests without an API key, X-Crossroads-Tenant header or ATP 'tenant' field.")]
    [Required]
    public string DefaultTenant { get; set; } = "default";

    /// <summary>How many decision records are kept in memory for <c>GET /v1/decisions/{id}</c>.</summary>
    [Description("Decision records kept in memory (oldest dropped first).")]
    [Range(1, 10_000_000)]
    public int DecisionCapacity { get; set; } = 10_000;

    /// <summary>Serve the built-in demo model when no model is configured.</summary>
    [Description("Serve the built-in demo model 'crossroads-demo' (local, deterministic text, real token counts) when no model is configured.")]
    public bool DemoModel { get; set; } = true;
}

/// <summary>One upstream.</summary>
public sealed class UpstreamOptions
{
    /// <summary>Id models refer to.</summary>
    [Required]
    public string Id { get; set; } = string.Empty;

    /// <summary>Protocol: <c>openai</c> (chat completions), <c>anthropic</c> (Messages API), or <c>demo</c> (the built-in demo model).</summary>
    [Required]
    public string Kind { get; set; } = "openai";

    /// <summary>Base URL, e.g. <c>https://api.openai.com/v1</c>, <c>http://localhost:11434/v1</c>, <c>https://api.anthropic.com</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Name of the environment variable that holds the API key (the key itself is never configured in a file).</summary>
    public string? ApiKeyEnv { get; set; }

    /// <summary>Deadline of a whole attempt.</summary>
    [Range(1, 3_600_000)]
    public int TimeoutMs { get; set; } = 120_000;

    /// <summary>Deadline of the first content of an attempt; past it the next candidate is tried.</summary>
    [Range(1, 3_600_000)]
    public int FirstTokenTimeoutMs { get; set; } = 15_000;

    /// <summary>Most attempts in flight on this upstream (empty: no limit); past it the upstream is skipped, not queued.</summary>
    [Range(1, 1_000_000)]
    public int? MaxConcurrency { get; set; }

    /// <summary>
    /// The member a kind <c>openai</c> upstream takes the token cap in: <c>max_tokens</c> (every compatible server) or
    /// <c>max_completion_tokens</c> (OpenAI's reasoning models refuse <c>max_tokens</c>). Other kinds have their own
    /// (Anthropic's is always <c>max_tokens</c>), so only <c>max_tokens</c> is accepted for them.
    /// </summary>
    [Required]
    public string MaxTokensParameter { get; set; } = "max_tokens";
}

/// <summary>One model.</summary>
public sealed class ModelOptions
{
    /// <summary>Id clients use.</summary>
    [Required]
    public string Id { get; set; } = string.Empty;

    /// <summary>Upstream id.</summary>
    [Required]
    public string Upstream { get; set; } = string.Empty;

    /// <summary>Name the upstream knows it by (default: <see cref="Id"/>).</summary>
    public string? UpstreamModel { get; set; }

    /// <summary>Other names.</summary>
    public List<string> Aliases { get; set; } = [];

    /// <summary>USD per million input tokens.</summary>
    [Range(typeof(decimal), "0", "1000000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal InputPricePerMTok { get; set; }

    /// <summary>USD per million output tokens.</summary>
    [Range(typeof(decimal), "0", "1000000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal OutputPricePerMTok { get; set; }

    /// <summary>USD per million prompt tokens the upstream read from its cache (default: <see cref="InputPricePerMTok"/>).</summary>
    [Range(typeof(decimal), "0", "1000000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal? CachedInputPricePerMTok { get; set; }

    /// <summary>USD per million prompt tokens the upstream wrote to its cache (Anthropic's cache writes; default: <see cref="InputPricePerMTok"/>).</summary>
    [Range(typeof(decimal), "0", "1000000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal? CacheWritePricePerMTok { get; set; }

    /// <summary>Prior quality (0..1).</summary>
    [Range(0.0, 1.0)]
    public double Quality { get; set; } = 0.5;

    /// <summary>Prior p95 latency of a whole answer.</summary>
    [Range(0.0, 3_600_000.0)]
    public double LatencyP95Ms { get; set; } = 2000;

    /// <summary>Context window (tokens).</summary>
    [Range(1, 100_000_000)]
    public int ContextWindow { get; set; } = 8192;

    /// <summary>
    /// The most output tokens the model produces in one answer, thinking included (its <c>max_tokens</c> limit, e.g.
    /// 64,000 for Claude Sonnet 4, 32,000 for Claude Opus 4); null: not checked. A request whose <c>max_tokens</c> (plus
    /// a thinking budget) passes it is routed around the model; a thinking budget is cut to fit when at least 1,024 remain.
    /// </summary>
    [Range(1, 100_000_000)]
    public int? MaxOutputTokens { get; set; }

    /// <summary>
    /// Tokens an <c>openai</c>-kind model bills per image (all of a <c>detail: low</c> one); null: 85, GPT-4o's. Models
    /// that bill the same image in more tokens (gpt-4o-mini: 2,833) need theirs, or their reservations fall short.
    /// </summary>
    [Range(0, 1_000_000)]
    public int? ImageBaseTokens { get; set; }

    /// <summary>Tokens an <c>openai</c>-kind model bills per 512-pixel tile of an image; null: 170, GPT-4o's (gpt-4o-mini: 5,667).</summary>
    [Range(0, 1_000_000)]
    public int? ImageTileTokens { get; set; }

    /// <summary>
    /// How an <c>openai</c>-kind model bills an image: <c>tiles</c> (GPT-4o's rule) or <c>patches</c> (32-pixel patches
    /// times a multiplier: gpt-4.1-mini, gpt-4.1-nano, o4-mini, gpt-5-mini…); null: see <see cref="EffectiveImageRule"/>.
    /// </summary>
    public string? ImageRule { get; set; }

    /// <summary>
    /// <see cref="ImageRule"/>, else <c>patches</c> for an upstream model OpenAI's docs list as billed by patches (so a
    /// gpt-4.1-mini configured without a rule is not reserved for by GPT-4o's tiles, which count far fewer tokens for a
    /// large image) unless tile numbers are configured, else <c>tiles</c>.
    /// </summary>
    public string EffectiveImageRule() =>
        ImageRule
        ?? (ImageBaseTokens is null && ImageTileTokens is null && Crossroads.ModelRouting.Tokens.PatchMultipliers.IsDocumented(UpstreamModel ?? Id) ? "patches" : "tiles");

    /// <summary>
    /// Patch rule: tokens per 32-pixel patch; null: the value OpenAI's docs list for the upstream model (1.62 gpt-4.1-mini,
    /// 2.46 gpt-4.1-nano, 1.72 o4-mini), else 2.46, the largest, so an unknown model's estimate stays above its bill.
    /// </summary>
    [Range(typeof(decimal), "0.01", "100")]
    public decimal? ImagePatchMultiplier { get; set; }

    /// <summary>Patch rule: the most patches an image is billed for (a larger image is scaled down to fit); null: 1,536, the docs'.</summary>
    [Range(1, 1_000_000)]
    public int? ImagePatchCap { get; set; }

    /// <summary>
    /// <c>anthropic</c>-kind model: the longest image side kept before scaling down; null: 1,568 (Anthropic's limit before
    /// Claude Opus 4.7, which is reported to keep 2,576).
    /// </summary>
    [Range(1, 8000)]
    public int? ImageMaxLongEdge { get; set; }

    /// <summary>
    /// <c>anthropic</c>-kind model: the largest image area (pixels) kept before scaling down; null: 784 × 1,568 = 1,229,312
    /// with the default long edge, else the square of <see cref="ImageMaxLongEdge"/> (no bound beyond the edge's: half
    /// that square is below Claude Opus 4.7's ~3.75 MP at 2,576, and would reserve below its bill).
    /// </summary>
    [Range(1L, 64_000_000L)]
    public long? ImageMaxPixels { get; set; }

    /// <summary><c>active</c>, <c>shadow</c> or <c>disabled</c>.</summary>
    [Required]
    public string Status { get; set; } = "active";

    /// <summary>
    /// Request features this model lacks although its upstream's kind serves them (e.g. <c>logprobs</c> on a local
    /// OpenAI-compatible server): the planner routes requests that need them elsewhere instead of letting the upstream refuse.
    /// </summary>
    public List<string> Unsupported { get; set; } = [];

    /// <summary>
    /// Anthropic models only: whether the model thinks, so that <c>reasoning_effort</c> is served as extended thinking
    /// (a budget per effort, <see cref="ThinkingBudgets"/>) instead of routed around. Off by default: not every Claude
    /// model has extended thinking, and the newest ones replaced it.
    /// </summary>
    public bool Thinking { get; set; }

    /// <summary>
    /// Anthropic models with <see cref="Thinking"/>: <c>budget_tokens</c> by effort (<c>minimal</c>, <c>low</c>,
    /// <c>medium</c>, <c>high</c>, <c>xhigh</c>; each at least 1024), over the defaults 1024, 1024, 4096, 16384, 32768.
    /// </summary>
    public Dictionary<string, int> ThinkingBudgets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Anthropic models only: <c>off</c> (the default) or <c>auto</c>, prompt-cache breakpoints (<c>cache_control</c>)
    /// on the last tool, the system text and the last user turn. OpenAI-compatible upstreams cache prompts by themselves.
    /// </summary>
    public string PromptCache { get; set; } = "off";

    /// <summary>With <see cref="PromptCache"/> <c>auto</c>: the breakpoints' TTL, <c>5m</c> (the default) or <c>1h</c> (cache writes cost more: see <c>CacheWritePricePerMTok</c>).</summary>
    public string PromptCacheTtl { get; set; } = Crossroads.ModelRouting.Providers.PromptCacheTtl.Default;
}

/// <summary>A route alias.</summary>
public sealed class RouteAliasOptions
{
    /// <summary>The name clients put in <c>model</c>.</summary>
    [Required]
    public string Name { get; set; } = string.Empty;

    /// <summary>Policy (default: <see cref="RoutingOptions.DefaultPolicy"/>).</summary>
    public string? Policy { get; set; }

    /// <summary>Candidate model ids (empty: all models).</summary>
    public List<string> Candidates { get; set; } = [];

    /// <summary>Models tried after the candidates.</summary>
    public List<string> Fallbacks { get; set; } = [];

    /// <summary>Weights of the <c>weighted</c> policy by model id (a candidate not named weighs 1; 0: last).</summary>
    public Dictionary<string, double> Weights { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Routing settings.</summary>
public sealed class RoutingOptions
{
    /// <summary><c>cheapest_meeting_slo</c>, <c>ucb</c>, <c>thompson</c>, <c>least_busy</c>, <c>lowest_latency</c> or <c>weighted</c>.</summary>
    [Required]
    public string DefaultPolicy { get; set; } = "cheapest_meeting_slo";

    /// <summary>Minimum prior quality per tier.</summary>
    public QualityThresholdOptions QualityThresholds { get; set; } = new();

    /// <summary>Learner settings.</summary>
    public BanditOptions Bandit { get; set; } = new();

    /// <summary>Most attempts per request.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Output tokens assumed when a request names no <c>max_tokens</c>.</summary>
    [Range(1, 10_000_000)]
    public int DefaultMaxOutputTokens { get; set; } = 1024;

    /// <summary>Latency SLO the reward assumes when a request names none.</summary>
    [Range(1, 3_600_000)]
    public int DefaultLatencySloMs { get; set; } = 10_000;

    /// <summary>Per-upstream breaker.</summary>
    public CooldownOptions Cooldown { get; set; } = new();
}

/// <summary>Quality thresholds.</summary>
public sealed class QualityThresholdOptions
{
    /// <summary><c>fast</c>.</summary>
    [Range(0.0, 1.0)]
    public double Fast { get; set; }

    /// <summary><c>balanced</c>.</summary>
    [Range(0.0, 1.0)]
    public double Balanced { get; set; } = 0.5;

    /// <summary><c>high</c>.</summary>
    [Range(0.0, 1.0)]
    public double High { get; set; } = 0.8;
}

/// <summary>Learner settings.</summary>
public sealed class BanditOptions
{
    /// <summary>UCB1 exploration constant.</summary>
    [Range(0.0, 100.0)]
    public double UcbC { get; set; } = 1.4142135623730951;

    /// <summary>Seed of Thompson sampling and of the weighted policy's draw (empty: random).</summary>
    public int? Seed { get; set; }

    /// <summary>Latencies observed before the observed p95 replaces the prior.</summary>
    [Range(1, 128)]
    public int MinSamples { get; set; } = 20;

    /// <summary>Reward weights (normalised to sum 1).</summary>
    [Range(0.0, 1.0)]
    public double QualityWeight { get; set; } = 0.6;

    /// <summary>Weight of latency.</summary>
    [Range(0.0, 1.0)]
    public double LatencyWeight { get; set; } = 0.2;

    /// <summary>Weight of cost.</summary>
    [Range(0.0, 1.0)]
    public double CostWeight { get; set; } = 0.2;
}

/// <summary>Rate limits shared by replicas (see <c>SharedRateLimits</c> in the domain library).</summary>
public sealed class SharedRateLimitOptions
{
    /// <summary><c>auto</c> (on with PostgreSQL), <c>on</c> or <c>off</c>.</summary>
    [Required]
    public string Mode { get; set; } = "auto";

    /// <summary>Milliseconds between two exchanges of usage: what replicas can admit beyond a limit before they hear of each other.</summary>
    [Range(20, 60_000)]
    public int SyncMs { get; set; } = 250;
}

/// <summary>Per-replica budget leases.</summary>
public sealed class BudgetLeaseSettings
{
    /// <summary>Whether budgeted requests are served from leases.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The most one lease holds, USD.</summary>
    [Range(typeof(decimal), "0.000001", "1000000")]
    public decimal MaxUsd { get; set; } = 1m;

    /// <summary>Milliseconds between two renewals of an active lease.</summary>
    [Range(20, 60_000)]
    public int FlushMs { get; set; } = 1000;

    /// <summary>Seconds a lease stays usable after its last renewal: how long a replica serves from it through a store outage.</summary>
    [Range(1, 3600)]
    public int GraceSeconds { get; set; } = 60;
}

/// <summary>Per-upstream breaker.</summary>
public sealed class CooldownOptions
{
    /// <summary>Retryable failures within <see cref="WindowSeconds"/> that start a cooldown.</summary>
    [Range(1, 1000)]
    public int AllowedFails { get; set; } = 3;

    /// <summary>The sliding window the failures are counted in (LiteLLM's default: a minute).</summary>
    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 60;

    /// <summary>Cooldown length.</summary>
    [Range(1, 86_400)]
    public int CooldownSeconds { get; set; } = 30;
}

/// <summary>A tenant.</summary>
public sealed class TenantOptions
{
    /// <summary>Tenant id (an API key name, an X-Crossroads-Tenant value, or ATP's <c>tenant</c>).</summary>
    [Required]
    public string Id { get; set; } = string.Empty;

    /// <summary>Spend limit in USD per <see cref="BudgetPeriod"/> (empty: unlimited).</summary>
    [Range(typeof(decimal), "0", "1000000000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal? BudgetUsd { get; set; }

    /// <summary><c>daily</c>, <c>monthly</c> (UTC boundaries) or <c>total</c>.</summary>
    [Required]
    public string BudgetPeriod { get; set; } = "total";

    /// <summary>Personal data in prompts: <c>off</c>, <c>redact</c> or <c>block</c>.</summary>
    [Required]
    public string Pii { get; set; } = "off";

    /// <summary>
    /// With <c>Pii=redact</c>: put the original values back where the answer repeats this request's placeholders
    /// (empty: true). Only valid with <c>redact</c>.
    /// </summary>
    public bool? PiiRestore { get; set; }

    /// <summary>
    /// The kinds of data the PII rule covers: <c>api_secret</c>, <c>email</c>, <c>iban</c>, <c>card_number</c>,
    /// <c>ssn</c>, <c>phone</c>, <c>ip_address</c> (empty: all but <c>ip_address</c>). Only valid with redact or block.
    /// </summary>
    public List<string> PiiKinds { get; set; } = [];
}

/// <summary>An API key's settings.</summary>
public sealed class KeyOptions
{
    /// <summary>The chassis API key name (<c>Auth:ApiKeys:N:Name</c>), or the anonymous key.</summary>
    [Required]
    public string Name { get; set; } = string.Empty;

    /// <summary>The tenant its requests are billed to (default: the key name).</summary>
    public string? Tenant { get; set; }

    /// <summary>Requests per minute (empty: unlimited).</summary>
    [Range(1, 100_000_000)]
    public int? Rpm { get; set; }

    /// <summary>Tokens per minute, prompt + output cap at admission, settled to usage (empty: unlimited).</summary>
    [Range(1, 2_000_000_000)]
    public int? Tpm { get; set; }

    /// <summary>Spend limit in USD per <see cref="BudgetPeriod"/> (empty: unlimited).</summary>
    [Range(typeof(decimal), "0", "1000000000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal? BudgetUsd { get; set; }

    /// <summary><c>daily</c>, <c>monthly</c> (UTC boundaries) or <c>total</c>.</summary>
    [Required]
    public string BudgetPeriod { get; set; } = "total";

    /// <summary>
    /// This key's own PII rule (<c>off</c>, <c>redact</c> or <c>block</c>), in place of its tenant's; empty: the
    /// tenant's rule applies.
    /// </summary>
    public string? Pii { get; set; }

    /// <summary>With the key's own <c>Pii=redact</c>: whether the answer gets the values back (empty: true).</summary>
    public bool? PiiRestore { get; set; }

    /// <summary>With the key's own <see cref="Pii"/>: the kinds it covers (empty: all but <c>ip_address</c>).</summary>
    public List<string> PiiKinds { get; set; } = [];
}
