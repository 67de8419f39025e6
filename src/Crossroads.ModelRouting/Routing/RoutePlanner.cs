using System.Collections.Frozen;
using System.Globalization;
using Crossroads.ModelRouting.Bandits;
using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Routing;

/// <summary>
/// Turns a <see cref="RouteRequest"/> into a <see cref="RoutingPlan"/>: which candidates are eligible (and why the
/// others are not), which is tried first under the policy, and the fallbacks after it. Calls no model.
/// <para>
/// Eligibility: its upstream's kind serves every feature the request needs (<see cref="RouteRequest.Requires"/>), active (shadow and disabled models are only reached when pinned), prompt + output cap fit the
/// context window, its upstream takes attempts now (breaker not open, no pending <c>Retry-After</c>, not at
/// <c>MaxConcurrency</c>: <see cref="UpstreamHealth"/>), estimated cost ≤ <c>max_cost_usd</c>, prior quality ≥ the tier's threshold,
/// p95 latency ≤ the SLO (the observed p95 once <see cref="RoutingSettings.MinLatencySamples"/> answers were seen,
/// else the prior). A pinned model (and named fallbacks) skip the quality and latency checks: the client chose them.
/// </para>
/// </summary>
public sealed class RoutePlanner
{
    private static readonly string AutoAlias = "auto";

    private readonly ModelCatalog _catalog;
    private readonly FrozenDictionary<string, RouteAlias> _aliases;
    private readonly RoutingSettings _settings;
    private readonly BanditLearner _learner;
    private readonly LatencyTracker _latency;
    private readonly UpstreamHealth _health;
    private readonly Random _random;
    private readonly Lock _randomLock = new();

    /// <summary>The reason of a plan pinned to each model, built once (plans are kept with their decisions).</summary>
    private readonly FrozenDictionary<string, string> _pinnedReasons;

    /// <summary>Creates a planner over <paramref name="catalog"/>.</summary>
    public RoutePlanner(ModelCatalog catalog, IEnumerable<RouteAlias> aliases, RoutingSettings settings, BanditLearner learner, LatencyTracker latency, UpstreamHealth health)
    {
        _catalog = catalog;
        var map = aliases.ToDictionary(static a => a.Name, StringComparer.OrdinalIgnoreCase);
        map.TryAdd(AutoAlias, new RouteAlias(AutoAlias, null, [], []));
        _aliases = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _settings = settings;
        _learner = learner;
        _latency = latency;
        _health = health;
        _random = settings.Seed is { } seed ? new Random(seed) : new Random();
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in catalog.Models)
        {
            reasons.TryAdd(model.Id, $"pinned to '{model.Id}'");
        }

        _pinnedReasons = reasons.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The catalog.</summary>
    public ModelCatalog Catalog => _catalog;

    /// <summary>The settings.</summary>
    public RoutingSettings Settings => _settings;

    /// <summary>The route aliases (including <c>auto</c>).</summary>
    public IEnumerable<RouteAlias> Aliases => _aliases.Values;

    /// <summary>Plans <paramref name="request"/>; throws <see cref="UnknownModelException"/> for a name that matches nothing.</summary>
    public RoutingPlan Plan(RouteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        int outputCap = request.MaxOutputTokens ?? _settings.DefaultMaxOutputTokens;
        var name = string.IsNullOrWhiteSpace(request.Model) ? AutoAlias : request.Model;
        var evaluations = new List<CandidateEvaluation>();
        var order = new List<ModelDescriptor>();
        RoutingPolicy policy;
        string reason;

        var fallbacks = new List<ModelDescriptor>(request.Fallbacks.Count);
        foreach (var fallback in request.Fallbacks)
        {
            fallbacks.Add(_catalog.TryFind(fallback, out var m) ? m : throw new UnknownModelException(fallback));
        }

        if (_catalog.TryFind(name, out var pinned) && request.Policy is null or RoutingPolicy.Pinned)
        {
            policy = RoutingPolicy.Pinned;
            foreach (var model in fallbacks.Prepend(pinned).Distinct())
            {
                var evaluation = Evaluate(model, request, outputCap, pinned: true);
                evaluations.Add(evaluation);
            }

            reason = _pinnedReasons.TryGetValue(pinned.Id, out var known) ? known : $"pinned to '{pinned.Id}'";
            order.AddRange(evaluations.Where(static e => e.Eligible).Select(e => Find(e.Model)));
        }
        else
        {
            IReadOnlyList<ModelDescriptor> candidates;
            IReadOnlyList<string> aliasFallbacks = [];
            IReadOnlyDictionary<string, double>? weights = null;
            if (pinned is not null)
            {
                // A model named with an explicit non-pinned policy: the policy ranks that model and its fallbacks.
                candidates = [pinned];
                policy = request.Policy!.Value;
            }
            else if (_aliases.TryGetValue(name, out var alias))
            {
                candidates = alias.Candidates.Count == 0
                    ? _catalog.Models
                    : [.. alias.Candidates.Select(c => _catalog.TryFind(c, out var m) ? m : throw new UnknownModelException(c))];
                aliasFallbacks = alias.Fallbacks;
                weights = alias.Weights;
                policy = request.Policy ?? alias.Policy ?? _settings.DefaultPolicy;
                if (policy == RoutingPolicy.Pinned)
                {
                    policy = RoutingPolicy.CheapestMeetingSlo;
                }
            }
            else
            {
                throw new UnknownModelException(name);
            }

            foreach (var model in candidates)
            {
                evaluations.Add(Evaluate(model, request, outputCap, pinned: false));
            }

            var eligible = evaluations.Where(static e => e.Eligible).OrderBy(static e => e.EstimatedCostUsd).ThenByDescending(static e => e.Quality).ToList();
            reason = Rank(policy, request, eligible, evaluations, weights);
            order.AddRange(eligible.Select(e => Find(e.Model)));
            if (order.Count > 0 && policy is RoutingPolicy.Ucb or RoutingPolicy.Thompson)
            {
                int first = evaluations.FindIndex(static e => e.Rank == 0);
                var chosen = Find(evaluations[first].Model);
                order.Remove(chosen);
                order.Insert(0, chosen);
            }

            foreach (var extra in fallbacks.Concat(aliasFallbacks.Select(f => _catalog.TryFind(f, out var m) ? m : throw new UnknownModelException(f))))
            {
                if (evaluations.Exists(e => e.Model == extra.Id))
                {
                    continue;
                }

                var evaluation = Evaluate(extra, request, outputCap, pinned: true);
                evaluations.Add(evaluation);
                if (evaluation.Eligible)
                {
                    order.Add(extra);
                }
            }
        }

        if (order.Count > _settings.MaxAttempts)
        {
            order.RemoveRange(_settings.MaxAttempts, order.Count - _settings.MaxAttempts);
        }

        for (int i = 0; i < evaluations.Count; i++)
        {
            int rank = order.FindIndex(m => m.Id == evaluations[i].Model);
            evaluations[i] = evaluations[i] with { Rank = rank >= 0 ? rank : null };
        }

        if (order.Count == 0)
        {
            reason = "no candidate is eligible: " + string.Join("; ", evaluations.Select(static e => e.Model + ": " + string.Join(", ", e.Exclusions.Select(static x => x.Code))));
        }

        // Exact arrays: the plan lives as long as its decision is kept, and a list is one more object per request to copy.
        return new RoutingPlan
        {
            Policy = policy,
            Cluster = request.Cluster,
            Candidates = evaluations.ToArray(),
            Attempts = order.ToArray(),
            Reason = reason,
            MaxOutputTokens = outputCap,
            InputTokens = order.Count > 0
                ? evaluations.Where(static e => e.Rank is not null).Max(static e => e.InputTokens)
                : evaluations.Count > 0 ? evaluations.Max(static e => e.InputTokens) : request.InputTokens,
        };
    }

    /// <summary>Orders <paramref name="eligible"/> (cheapest first on entry) under the policy; returns the reason for the first choice.</summary>
    private string Rank(RoutingPolicy policy, RouteRequest request, List<CandidateEvaluation> eligible, List<CandidateEvaluation> evaluations, IReadOnlyDictionary<string, double>? weights)
    {
        if (eligible.Count == 0)
        {
            return "no candidate is eligible";
        }

        switch (policy)
        {
            case RoutingPolicy.LeastBusy:
                return RankBy(eligible, evaluations, e => _health.InFlight(e.Upstream), static (e, inFlight) =>
                    Invariant($"least busy: '{e.Model}' with {inFlight:0} requests in flight on upstream '{e.Upstream}'"));
            case RoutingPolicy.LowestLatency:
                return RankBy(eligible, evaluations, LatencyEstimate, (e, ms) =>
                    Invariant($"lowest latency: '{e.Model}' at {ms:0} ms ({LatencyEstimateSource(e.Model)})"));
            case RoutingPolicy.Weighted:
                return RankWeighted(eligible, evaluations, weights);
        }

        if (policy is RoutingPolicy.Ucb or RoutingPolicy.Thompson)
        {
            var names = eligible.Select(static e => e.Model).ToArray();
            var scores = new double[names.Length];
            int best = _learner.Choose(request.Cluster, names, policy == RoutingPolicy.Thompson, _settings.UcbC, scores);
            for (int i = 0; i < names.Length; i++)
            {
                int at = evaluations.FindIndex(e => e.Model == names[i]);
                evaluations[at] = evaluations[at] with { Score = double.IsPositiveInfinity(scores[i]) ? double.MaxValue : scores[i] };
            }

            int chosen = evaluations.FindIndex(e => e.Model == names[best]);
            evaluations[chosen] = evaluations[chosen] with { Rank = 0 };
            var stats = _learner.Statistics(request.Cluster, names[best]);
            return stats.Pulls <= 0
                ? string.Create(CultureInfo.InvariantCulture, $"{policy.Name()} in cluster '{request.Cluster}': '{names[best]}' has not been tried there yet")
                : string.Create(CultureInfo.InvariantCulture, $"{policy.Name()} in cluster '{request.Cluster}': '{names[best]}' scored {scores[best]:0.###} (mean reward {stats.Mean:0.###} over {stats.Pulls:0} requests)");
        }

        var first = eligible[0];
        return string.Create(CultureInfo.InvariantCulture, $"cheapest eligible: '{first.Model}' at an estimated ${first.EstimatedCostUsd:0.########} ({eligible.Count} of {evaluations.Count} eligible)");
    }

    /// <summary>
    /// Stable sort by <paramref name="score"/> ascending (so equal scores stay cheapest first), each candidate's score
    /// written into its evaluation.
    /// </summary>
    private static string RankBy(List<CandidateEvaluation> eligible, List<CandidateEvaluation> evaluations, Func<CandidateEvaluation, double> score, Func<CandidateEvaluation, double, string> reason)
    {
        var scored = eligible.Select(e => (Evaluation: e, Score: score(e))).OrderBy(static x => x.Score).ToList();
        eligible.Clear();
        foreach (var (e, value) in scored)
        {
            eligible.Add(e);
            SetScore(evaluations, e.Model, value);
        }

        return reason(scored[0].Evaluation, scored[0].Score);
    }

    /// <summary>
    /// Draws the order without replacement, each remaining candidate with probability weight / remaining weight; the
    /// zero-weight ones go last, cheapest first. One seeded <see cref="Random"/> makes runs reproducible.
    /// </summary>
    private string RankWeighted(List<CandidateEvaluation> eligible, List<CandidateEvaluation> evaluations, IReadOnlyDictionary<string, double>? weights)
    {
        double Weight(CandidateEvaluation e) => weights is not null && weights.TryGetValue(e.Model, out var w) ? w : 1;
        var pool = eligible.Where(e => Weight(e) > 0).ToList();
        var rest = eligible.Where(e => Weight(e) <= 0).ToList();
        double total = pool.Sum(Weight);
        var drawn = new List<CandidateEvaluation>(eligible.Count);
        lock (_randomLock)
        {
            while (pool.Count > 0)
            {
                double remaining = pool.Sum(Weight);
                double x = _random.NextDouble() * remaining;
                int pick = pool.Count - 1;
                for (int i = 0; i < pool.Count; i++)
                {
                    x -= Weight(pool[i]);
                    if (x < 0)
                    {
                        pick = i;
                        break;
                    }
                }

                drawn.Add(pool[pick]);
                pool.RemoveAt(pick);
            }
        }

        drawn.AddRange(rest);
        eligible.Clear();
        eligible.AddRange(drawn);
        foreach (var e in drawn)
        {
            SetScore(evaluations, e.Model, Weight(e));
        }

        var first = drawn[0];
        return total > 0
            ? Invariant($"weighted draw: '{first.Model}' (weight {Weight(first):0.###} of {total:0.###}, p = {Weight(first) / total:0.###})")
            : Invariant($"weighted: every weight is 0, cheapest first: '{first.Model}'");
    }

    private static void SetScore(List<CandidateEvaluation> evaluations, string model, double score)
    {
        int at = evaluations.FindIndex(e => e.Model == model);
        evaluations[at] = evaluations[at] with { Score = score };
    }

    /// <summary>The latency <c>lowest_latency</c> ranks by: the moving average once enough answers were seen, else the prior p95.</summary>
    private double LatencyEstimate(CandidateEvaluation e)
    {
        var (ewma, samples) = _latency.Ewma(e.Model);
        return samples >= _settings.MinLatencySamples ? ewma : Find(e.Model).LatencyP95Ms;
    }

    private string LatencyEstimateSource(string model)
    {
        var (_, samples) = _latency.Ewma(model);
        return samples >= _settings.MinLatencySamples
            ? Invariant($"moving average of {samples} answers")
            : Invariant($"prior p95; {samples} of {_settings.MinLatencySamples} answers observed");
    }

    private ModelDescriptor Find(string id) => _catalog.TryFind(id, out var m) ? m : throw new UnknownModelException(id);

    private CandidateEvaluation Evaluate(ModelDescriptor model, RouteRequest request, int outputCap, bool pinned)
    {
        List<Exclusion>? exclusions = null;
        // A thinking model's budget is output on top of the answer's cap (AnthropicProvider adds it to max_tokens):
        // estimated, reserved and checked against the context window with it.
        int thinking = model.ThinkingBudget(request.ReasoningEffort, outputCap);
        int output = outputCap + thinking;
        int input = request.PromptTokens(model);
        var cost = model.CostUsd(input, output);
        var (observed, samples) = _latency.P95(model.Id);
        bool useObserved = samples >= _settings.MinLatencySamples;
        double p95 = useObserved ? observed : model.LatencyP95Ms;

        if (model.Status == ModelStatus.Disabled || (!pinned && model.Status == ModelStatus.Shadow))
        {
            (exclusions ??= []).Add(new Exclusion("status", $"model is {model.Status.ToString().ToLowerInvariant()}"));
        }

        // Checked for pinned models too: no choice of the client's makes an upstream serve a member it has no
        // parameter for, and calling it would only end in its refusal or an answer that silently ignored the member.
        if ((request.Requires & ~model.Capabilities) is var missing and not RequestFeatures.None)
        {
            foreach (var feature in RequestFeatureNames.Each(missing))
            {
                (exclusions ??= []).Add(new Exclusion(RequestFeatureNames.ExclusionCode(feature), $"upstream '{model.Upstream}' cannot serve '{RequestFeatureNames.Name(feature)}'{RequestFeatureNames.Hint(RequestFeatureNames.Name(feature))}"));
            }
        }

        // Anthropic checks a thinking block's signature against the model that made it: another model that would think
        // refuses the loop's blocks (400 "Invalid signature"), which no fallback mends. Same code as a loop without blocks.
        if (request.ThinkingSigner is { } signer && thinking > 0
            && !string.Equals(model.UpstreamModelName, signer, StringComparison.Ordinal))
        {
            (exclusions ??= []).Add(new Exclusion(
                RequestFeatureNames.ExclusionCode(RequestFeatures.ReasoningWithToolHistory),
                $"the tool loop's thinking_blocks were signed by '{signer}', and only that model takes them back"));
        }

        if (model.MaxOutputTokens is { } outputLimit && output > outputLimit)
        {
            (exclusions ??= []).Add(new Exclusion("max_output", thinking > 0
                ? Invariant($"{outputCap} answer tokens and a thinking budget of at least {AnthropicThinking.MinimumBudget} exceed the model's output limit of {outputLimit}")
                : Invariant($"{outputCap} output tokens exceed the model's output limit of {outputLimit}")));
        }

        if ((long)input + output > model.ContextWindow)
        {
            (exclusions ??= []).Add(new Exclusion("context_window", Invariant($"{input} prompt tokens + {output} output tokens exceed the context window of {model.ContextWindow}")));
        }

        if (_health.Check(model.Upstream) is { } unavailable)
        {
            (exclusions ??= []).Add(unavailable);
        }

        if (request.MaxCostUsd is { } maxCost && cost > maxCost)
        {
            (exclusions ??= []).Add(new Exclusion("max_cost", Invariant($"estimated cost ${cost:0.########} exceeds max_cost_usd ${maxCost:0.########}")));
        }

        if (!pinned)
        {
            var tier = request.Quality ?? QualityTier.Balanced;
            double threshold = _settings.Threshold(tier);
            if (model.Quality < threshold)
            {
                (exclusions ??= []).Add(new Exclusion("quality", Invariant($"quality {model.Quality:0.###} is below the '{tier.ToString().ToLowerInvariant()}' threshold {threshold:0.###}")));
            }

            if (request.LatencySloMs is { } slo && p95 > slo)
            {
                (exclusions ??= []).Add(new Exclusion("latency_slo", Invariant($"{(useObserved ? "observed" : "prior")} p95 {p95:0} ms exceeds latency_slo_ms {slo:0}")));
            }
        }

        return new CandidateEvaluation
        {
            Model = model.Id,
            Upstream = model.Upstream,
            Exclusions = (IReadOnlyList<Exclusion>?)exclusions ?? [],
            InputTokens = input,
            EstimatedCostUsd = cost,
            Quality = model.Quality,
            LatencyP95Ms = p95,
            LatencySource = useObserved ? "observed" : "prior",
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
