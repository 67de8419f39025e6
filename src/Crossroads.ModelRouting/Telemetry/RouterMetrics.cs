using System.Diagnostics.Metrics;
using Crossroads.ModelRouting.Limits;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Telemetry;

/// <summary>
/// The router's instruments, per model and upstream, on the meter the host hands in (the module's own). Names carry
/// their Prometheus form (<c>_total</c>, unit suffixes) so <c>/metrics</c> shows them as written here. Without a meter
/// (unit tests, benchmarks) every call is a no-op.
/// <para>
/// Every label takes configured values only, so the series stay bounded: models and upstreams from the catalog, keys
/// (chassis API key names, or the anonymous key), budget accounts (configured keys and tenants), and tenants reduced
/// to the configured ones (<c>knownTenants</c>): an anonymous client may name any tenant in a header, and each name
/// would otherwise be a new series, so unknown names are counted as <c>other</c> (a tenant named after its key is kept).
/// </para>
/// </summary>
public sealed class RouterMetrics
{
    private static readonly double[] FirstTokenBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter<long>? _requests;
    private readonly Counter<long>? _attempts;
    private readonly Counter<long>? _fallbacks;
    private readonly Counter<long>? _tokens;
    private readonly Counter<double>? _cost;
    private readonly Histogram<double>? _firstToken;
    private readonly Counter<long>? _breakerOpens;
    private readonly Counter<long>? _budgetRefusals;
    private readonly Counter<double>? _spend;
    private readonly Counter<long>? _rateLimited;
    private readonly Meter? _meter;
    private readonly IReadOnlySet<string> _knownTenants;

    /// <summary>Instruments on <paramref name="meter"/>; null: none. <paramref name="knownTenants"/>: the tenant label's values (others are <c>other</c>).</summary>
    public RouterMetrics(Meter? meter, IReadOnlySet<string>? knownTenants = null)
    {
        _knownTenants = knownTenants ?? new HashSet<string>(StringComparer.Ordinal);
        _meter = meter;
        if (meter is null)
        {
            return;
        }

        _requests = meter.CreateCounter<long>("model_router_requests_total", description: "Routed requests by outcome and serving model (none when nothing served).");
        _attempts = meter.CreateCounter<long>("model_router_attempts_total", description: "Upstream attempts by model, upstream and outcome (served, failed, failed_partial, failed_after_content, rejected, skipped, cancelled).");
        _fallbacks = meter.CreateCounter<long>("model_router_fallbacks_total", description: "Moves to the next candidate, by the model and upstream that were left.");
        _tokens = meter.CreateCounter<long>("model_router_tokens_total", description: "Tokens of billed attempts by model, upstream and direction (in: prompt, out: completion).");
        _cost = meter.CreateCounter<double>("model_router_cost_usd_total", description: "USD billed by model and upstream.");
        _firstToken = meter.CreateHistogram("model_router_time_to_first_token_seconds", unit: "s", description: "Time from the start of an attempt to its first content, by model and upstream.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FirstTokenBuckets });
        _breakerOpens = meter.CreateCounter<long>("model_router_breaker_opens_total", description: "Times an upstream's breaker opened (cooldown started).");
        _budgetRefusals = meter.CreateCounter<long>("model_router_budget_refusals_total", description: "Reservations refused (402) by the account that could not cover them: scope (key, tenant) and account (its configured name).");
        _spend = meter.CreateCounter<double>("model_router_spend_usd_total", description: "USD billed (settled) by tenant (configured tenants; other for the rest) and key (API key name or the anonymous key).");
        _rateLimited = meter.CreateCounter<long>("model_router_rate_limited_total", description: "Requests refused (429) by a key's limit: key and limit (rpm, tpm, or too_large: more tokens than the key's whole tpm).");
    }

    /// <summary>Observes the sharing of rate limits between replicas: how many share them, and failed exchanges.</summary>
    public void ObserveSharedLimits(SharedRateLimits shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        if (_meter is null)
        {
            return;
        }

        _meter.CreateObservableGauge("model_router_rate_limit_replicas", () => shared.OtherReplicas + 1, description: "Replicas sharing the keys' rate limits, this one included, as of the last exchange of usage.");
        _meter.CreateObservableCounter("model_router_rate_limit_sync_failures_total", () => shared.Failures, description: "Exchanges of rate-limit usage the store did not take (meanwhile each replica limits on its own).");
    }

    /// <summary>
    /// Observes each of <paramref name="upstreams"/>' breaker (<c>model_router_breaker_state</c>: one series per upstream
    /// and state, 1 for the state it is in and 0 for the others, the Prometheus shape of an enumeration, so a query can
    /// sum or alert on <c>state="open"</c> without knowing numeric codes) and the ledger's settles: failed attempts,
    /// settles waiting for the store, settles abandoned.
    /// </summary>
    public void Observe(UpstreamHealth health, IReadOnlyCollection<string> upstreams, Budgets.BudgetLedger budgets)
    {
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(upstreams);
        ArgumentNullException.ThrowIfNull(budgets);
        if (_meter is null)
        {
            return;
        }

        string[] ids = [.. upstreams];
        _meter.CreateObservableGauge("model_router_breaker_state", () => BreakerStates(health, ids), description: "Each upstream's breaker: 1 for the state it is in (closed, open, half_open), 0 for the others.");
        _meter.CreateObservableCounter("model_router_budget_settle_failures_total", () => budgets.SettleFailures, description: "Settle attempts the spend store did not take (each is retried until it does).");
        _meter.CreateObservableGauge("model_router_budget_settles_pending", () => budgets.SettlesPending, description: "Settles waiting for the spend store to be reachable again (their spend is not booked yet).");
        _meter.CreateObservableCounter("model_router_budget_settles_abandoned_total", () => budgets.SettlesAbandoned, description: "Settles given up (still pending at shutdown, or past the retry queue's capacity): their spend was not booked.");
        _meter.CreateObservableCounter("model_router_budget_lease_admissions_total", () => budgets.LeaseAdmissions, description: "Budgeted requests served from this replica's leases, without a spend-store round trip of their own.");
        _meter.CreateObservableCounter("model_router_budget_lease_renewals_total", () => budgets.LeaseRenewals, description: "Lease renewals the spend store applied (each books the lease's spend and resizes it).");
        _meter.CreateObservableCounter("model_router_budget_lease_renewal_failures_total", () => budgets.LeaseRenewalFailures, description: "Lease renewals the spend store did not take (each is sent again; the lease serves what it holds meanwhile).");
        _meter.CreateObservableGauge("model_router_budget_leased_usd", () => (double)budgets.LeasedUsd, unit: "USD", description: "What this replica's budget leases hold in the spend store.");
    }

    /// <summary>A reservation was refused by <paramref name="account"/> (<c>key:NAME</c> or <c>tenant:ID</c>).</summary>
    public void BudgetRefused(string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        int colon = account.IndexOf(':', StringComparison.Ordinal);
        _budgetRefusals?.Add(1, new("scope", colon < 0 ? "tenant" : account[..colon]), new("account", colon < 0 ? account : account[(colon + 1)..]));
    }

    /// <summary>
    /// <paramref name="usd"/> was billed to <paramref name="tenant"/> through <paramref name="key"/>. A tenant equal to
    /// its key (a key without a tenant entry bills itself) is as bounded as the key names.
    /// </summary>
    public void Spent(string tenant, string? key, decimal usd) =>
        _spend?.Add((double)usd, new KeyValuePair<string, object?>("tenant", _knownTenants.Contains(tenant) || tenant == key ? tenant : "other"), new KeyValuePair<string, object?>("key", key ?? "none"));

    /// <summary>A request of <paramref name="key"/> was refused by its <paramref name="limit"/> (<c>rpm</c>, <c>tpm</c>, <c>too_large</c>).</summary>
    public void RateLimited(string key, string limit) =>
        _rateLimited?.Add(1, new("key", key), new("limit", limit));

    private static IEnumerable<Measurement<int>> BreakerStates(UpstreamHealth health, string[] upstreams)
    {
        var measurements = new List<Measurement<int>>(upstreams.Length * 3);
        foreach (string upstream in upstreams)
        {
            var state = health.Breaker(upstream);
            measurements.Add(new(state == BreakerState.Closed ? 1 : 0, new("upstream", upstream), new("state", "closed")));
            measurements.Add(new(state == BreakerState.Open ? 1 : 0, new("upstream", upstream), new("state", "open")));
            measurements.Add(new(state == BreakerState.HalfOpen ? 1 : 0, new("upstream", upstream), new("state", "half_open")));
        }

        return measurements;
    }

    /// <summary>A request ended.</summary>
    public void Request(string outcome, string? model) =>
        _requests?.Add(1, new("outcome", outcome), new("model", model ?? "none"));

    /// <summary>An attempt ended.</summary>
    public void Attempt(string model, string upstream, string outcome) =>
        _attempts?.Add(1, new("model", model), new("upstream", upstream), new("outcome", outcome));

    /// <summary>The router left <paramref name="model"/> for the next candidate.</summary>
    public void Fallback(string model, string upstream) =>
        _fallbacks?.Add(1, new("model", model), new("upstream", upstream));

    /// <summary>Usage and cost of a billed attempt.</summary>
    public void Billed(string model, string upstream, int promptTokens, int completionTokens, decimal costUsd)
    {
        _tokens?.Add(promptTokens, new("model", model), new("upstream", upstream), new("direction", "in"));
        _tokens?.Add(completionTokens, new("model", model), new("upstream", upstream), new("direction", "out"));
        _cost?.Add((double)costUsd, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("upstream", upstream));
    }

    /// <summary>An attempt's first content arrived after <paramref name="milliseconds"/>.</summary>
    public void FirstToken(string model, string upstream, double milliseconds) =>
        _firstToken?.Record(milliseconds / 1000, new("model", model), new("upstream", upstream));

    /// <summary>An upstream's breaker opened.</summary>
    public void BreakerOpened(string upstream) => _breakerOpens?.Add(1, new KeyValuePair<string, object?>("upstream", upstream));
}
