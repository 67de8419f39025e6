using System.Text;
using Crossroads.ModelRouting.Bandits;
using Crossroads.ModelRouting.Budgets;
using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Decisions;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;
using Crossroads.ModelRouting.Telemetry;
using Crossroads.ModelRouting.Tokens;

namespace Crossroads.ModelRouting.Execution;

/// <summary>
/// Runs a routed request: plans it, reserves the budget, tries the planned models in order until one produces
/// content (each attempt bounded by its upstream's first-token timeout), streams that one to the sink, then settles
/// the budget to what the serving attempt cost, feeds the learner and the latency tracker, and keeps the decision.
/// <para>
/// Fallback rule: an attempt that fails before its first content (connection error, timeout, retryable status) is
/// recorded and the next candidate tried; once content reached the sink the request is committed, and a later
/// failure ends it with an error (billed for what was streamed), unless the sink held everything back (a
/// non-streamed answer: <see cref="ICompletionSink.TryRetract"/>), in which case the partial attempt is recorded
/// (<c>failed_partial</c>, not billed) and the next candidate answers. A non-retryable status (400/413/422) ends the
/// request at once: it is the client's request that is wrong, and another model would refuse it too.
/// </para>
/// <para>
/// Every attempt first takes a place on its upstream (<see cref="UpstreamHealth.TryAcquire"/>): an upstream whose
/// breaker is open, whose <c>Retry-After</c> is pending or that is at <c>MaxConcurrency</c> is not called, the
/// attempt is recorded as <c>skipped</c> with the reason, and the next candidate is tried.
/// </para>
/// </summary>
public sealed class RouterEngine
{
    private readonly IReadOnlyDictionary<string, UpstreamEndpoint> _upstreams;
    private readonly TimeProvider _time;

    /// <summary>Creates the engine.</summary>
    public RouterEngine(
        RoutePlanner planner,
        IReadOnlyDictionary<string, UpstreamEndpoint> upstreams,
        BudgetLedger budgets,
        DecisionStore decisions,
        BanditLearner learner,
        LatencyTracker latency,
        UpstreamHealth health,
        TimeProvider time,
        RouterMetrics? metrics = null)
    {
        Planner = planner;
        _upstreams = upstreams;
        Budgets = budgets;
        Decisions = decisions;
        Learner = learner;
        Latency = latency;
        Health = health;
        _time = time;
        Metrics = metrics ?? new RouterMetrics(null);
    }

    /// <summary>The planner.</summary>
    public RoutePlanner Planner { get; }

    /// <summary>The budgets.</summary>
    public BudgetLedger Budgets { get; }

    /// <summary>The decisions kept.</summary>
    public DecisionStore Decisions { get; }

    /// <summary>The learner.</summary>
    public BanditLearner Learner { get; }

    /// <summary>Observed latencies.</summary>
    public LatencyTracker Latency { get; }

    /// <summary>Per-upstream breakers, Retry-After, concurrency.</summary>
    public UpstreamHealth Health { get; }

    /// <summary>The instruments.</summary>
    public RouterMetrics Metrics { get; }

    private RoutingSettings Settings => Planner.Settings;

    /// <summary>Routes <paramref name="call"/> to <paramref name="sink"/>. Throws <see cref="UnknownModelException"/> for unknown model names.</summary>
    public async Task<RouteResult> RunAsync(RouteCall call, ICompletionSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(sink);
        var createdAt = _time.GetUtcNow();
        var plan = Planner.Plan(call.Route);
        var decision = new DecisionRecord
        {
            Id = call.DecisionId,
            CreatedAt = createdAt,
            Tenant = call.Tenant,
            RequestedModel = call.Route.Model ?? "auto",
            Endpoint = call.Endpoint,
            PromptHash = call.PromptHash,
            InputTokens = plan.InputTokens,
            Plan = plan,
            Outcome = "no_eligible_model",
        };

        if (plan.Attempts.Count == 0)
        {
            Decisions.Add(decision);
            Metrics.Request(decision.Outcome, null);
            return new RouteResult(RouteStatus.NoEligibleModel, decision, null, default, null, 0);
        }

        decimal reserve = plan.ReserveUsd;
        var admission = await Budgets.ReserveAsync(new BudgetPayer(call.Tenant, call.Key), reserve, cancellationToken).ConfigureAwait(false);
        var reservation = admission.Reservation;
        decimal remaining = admission.RemainingUsd;
        if (!admission.Admitted)
        {
            decision = decision with { Outcome = "budget_exceeded" };
            Metrics.BudgetRefused(admission.RefusedBy!);
            Decisions.Add(decision);
            Metrics.Request(decision.Outcome, null);
            return new RouteResult(RouteStatus.BudgetExceeded, decision, null, default, null, remaining) { RefusedBy = admission.RefusedBy };
        }

        // With a budget, the output cap the reservation assumed is enforced upstream.
        var request = call.Provider;
        if (request.MaxTokens is null && reservation.IsLimited)
        {
            request = request with { MaxTokens = plan.MaxOutputTokens };
        }

        var attempts = new List<AttemptRecord>(plan.Attempts.Count);
        decimal billed = 0;
        double? reward = null;
        RouteStatus status = RouteStatus.AllAttemptsFailed;
        ProviderException? lastError = null;
        TokenUsage servedUsage = default;
        string? finishReason = null;
        ModelDescriptor? servedBy = null;
        double referenceCost = (double)(call.Route.MaxCostUsd ?? MostExpensiveEligible(plan));
        try
        {
            for (int i = 0; i < plan.Attempts.Count; i++)
            {
                var model = plan.Attempts[i];
                var outcome = await AttemptAsync(call, request, plan, model, i + 1, sink, cancellationToken).ConfigureAwait(false);
                attempts.Add(outcome.Record);
                Metrics.Attempt(model.Id, model.Upstream, outcome.Record.Outcome);
                lastError = outcome.Error ?? lastError;
                if (outcome.Committed)
                {
                    servedBy = model;
                    billed = outcome.Record.CostUsd;
                    servedUsage = outcome.Usage ?? new TokenUsage(outcome.Record.PromptTokens, outcome.Record.CompletionTokens, outcome.Record.UsageEstimated);
                    finishReason = outcome.FinishReason;
                }

                switch (outcome.Record.Outcome)
                {
                    case "served":
                        status = RouteStatus.Completed;
                        Latency.Record(model.Id, outcome.Record.LatencyMs);
                        reward = Reward.Of(
                            model.Quality,
                            outcome.Record.LatencyMs,
                            call.Route.LatencySloMs ?? Settings.DefaultLatencySloMs,
                            (double)outcome.Record.CostUsd,
                            referenceCost,
                            Settings.QualityWeight,
                            Settings.LatencyWeight,
                            Settings.CostWeight);
                        Learner.Record(plan.Cluster, model.Id, reward.Value);
                        break;
                    case "failed_after_content":
                        status = RouteStatus.FailedAfterContent;
                        Learner.Record(plan.Cluster, model.Id, 0);
                        reward = 0;
                        break;
                    case "failed" or "failed_partial":
                        Learner.Record(plan.Cluster, model.Id, 0);
                        Metrics.Fallback(model.Id, model.Upstream);
                        continue;
                    case "skipped":
                        // Not called, so nothing learned about the model.
                        Metrics.Fallback(model.Id, model.Upstream);
                        continue;
                    case "rejected":
                        status = RouteStatus.UpstreamRejected;
                        break;
                    default:
                        status = RouteStatus.Cancelled;
                        break;
                }

                break;
            }
        }
        finally
        {
            await Budgets.SettleAsync(reservation, billed).ConfigureAwait(false);
            if (servedBy is not null)
            {
                Metrics.Billed(servedBy.Id, servedBy.Upstream, servedUsage.PromptTokens, servedUsage.CompletionTokens, billed);
            }

            if (billed > 0)
            {
                Metrics.Spent(call.Tenant, call.Key, billed);
            }

            Metrics.Request(OutcomeName(status), servedBy?.Id);
            decision = decision with
            {
                Attempts = attempts, // the store keeps the decision as JSON, not this list
                ServedBy = servedBy?.Id,
                Outcome = OutcomeName(status),
                ReservedUsd = reserve,
                BilledUsd = billed,
                Reward = reward,
            };
            Decisions.Add(decision);
        }

        return new RouteResult(status, decision, lastError, servedUsage, finishReason, remaining - billed);
    }

    /// <summary>
    /// Feeds an observed quality (0..1) of a served request back: the reward it was given with the model's prior
    /// quality is corrected to the observed one (the same pull, not a new one). Null when the decision is unknown
    /// (expired or never existed) or did not serve.
    /// </summary>
    public KeptDecision? Observe(string decisionId, double quality)
    {
        for (int retry = 0; retry < 8; retry++)
        {
            if (!Decisions.TryGet(decisionId, out var decision) || decision.ServedBy is null || decision.Reward is null)
            {
                return null;
            }

            Planner.Catalog.TryFind(decision.ServedBy, out var model);
            double previousQuality = decision.ObservedQuality ?? model?.Quality ?? 0.5;
            double weights = Settings.QualityWeight + Settings.LatencyWeight + Settings.CostWeight;
            double share = weights > 0 ? Settings.QualityWeight / weights : 1;
            double served = decision.Outcome == "completed" ? 1 : 0; // a failed stream keeps its 0
            double newReward = Math.Clamp(decision.Reward.Value + (served * share * (quality - previousQuality)), 0, 1);
            if (Decisions.TryReplaceScore(decision, newReward, quality, out var updated))
            {
                Learner.Correct(decision.Cluster, decision.ServedBy, decision.Reward.Value, newReward);
                return updated;
            }
        }

        return null;
    }

    /// <summary>The highest estimated cost among the eligible candidates (0 when none): the reward's cost scale.</summary>
    private static decimal MostExpensiveEligible(RoutingPlan plan)
    {
        decimal max = 0;
        bool any = false;
        foreach (var c in plan.Candidates)
        {
            if (c.Eligible)
            {
                max = any ? Math.Max(max, c.EstimatedCostUsd) : c.EstimatedCostUsd;
                any = true;
            }
        }

        return max;
    }

    private static string OutcomeName(RouteStatus status) => status switch
    {
        RouteStatus.Completed => "completed",
        RouteStatus.FailedAfterContent => "failed_after_content",
        RouteStatus.AllAttemptsFailed => "failed",
        RouteStatus.UpstreamRejected => "rejected",
        RouteStatus.NoEligibleModel => "no_eligible_model",
        RouteStatus.BudgetExceeded => "budget_exceeded",
        _ => "cancelled",
    };

    private async Task<AttemptOutcome> AttemptAsync(RouteCall call, ProviderRequest request, RoutingPlan plan, ModelDescriptor model, int number, ICompletionSink sink, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        if (!_upstreams.TryGetValue(model.Upstream, out var upstream))
        {
            var missing = new ProviderException(ProviderFailureKind.Connection, $"no upstream '{model.Upstream}' is configured");
            return Failed(model, "failed", missing, started, null, default);
        }

        if (!Health.TryAcquire(model.Upstream, out var lease, out var refusal))
        {
            var unavailable = new ProviderException(ProviderFailureKind.Unavailable, $"not called: {refusal.Detail}");
            return Failed(model, "skipped", unavailable, started, null, default);
        }

        using var _ = lease;
        using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptCts.CancelAfter(upstream.FirstTokenTimeout);
        bool committed = false;
        bool clientGone = false;
        double? firstTokenMs = null;
        TokenUsage? usage = null;
        string? finish = null;
        string? serviceTier = null;
        List<string>? heldAnnotations = null;
        var output = new StringBuilder();
        IAsyncEnumerator<CompletionEvent>? events = null;
        try
        {
            // What the model's configuration adds to the request (Anthropic thinking and prompt caching); most models
            // add nothing and share the request.
            int thinking = model.ThinkingBudget(request.ReasoningEffort, plan.MaxOutputTokens);
            var sent = thinking == 0 && !model.PromptCache ? request : request with { ThinkingBudget = thinking, PromptCache = model.PromptCache, PromptCacheTtl = model.PromptCacheTtl };
            events = upstream.Provider.StreamAsync(model.UpstreamModelName, sent, attemptCts.Token).GetAsyncEnumerator(attemptCts.Token);
            while (await events.MoveNextAsync().ConfigureAwait(false))
            {
                var e = events.Current;
                switch (e.Kind)
                {
                    case CompletionEventKind.Delta:
                        if (!committed)
                        {
                            clientGone = !await CommitAsync().ConfigureAwait(false);
                        }

                        output.Append(e.Text);
                        if (!clientGone)
                        {
                            clientGone = !await Guard(sink.DeltaAsync(e.Text!, e.Logprobs, cancellationToken)).ConfigureAwait(false);
                        }

                        break;
                    case CompletionEventKind.ToolCall:
                        // A tool call is content: it commits the answer (no fallback after it reached the client)
                        // and its name and arguments are output tokens when the upstream reports no usage.
                        if (!committed)
                        {
                            clientGone = !await CommitAsync().ConfigureAwait(false);
                        }

                        output.Append(e.Tool!.Name).Append(e.Tool.Arguments);
                        if (!clientGone)
                        {
                            clientGone = !await Guard(sink.ToolCallAsync(e.Tool, cancellationToken)).ConfigureAwait(false);
                        }

                        break;
                    case CompletionEventKind.Reasoning:
                        // Thinking is content too: it commits the answer (it can take long before any text, and the
                        // client sees it streamed) and it is output the upstream bills, counted when it reports no usage.
                        if (!committed)
                        {
                            clientGone = !await CommitAsync().ConfigureAwait(false);
                        }

                        output.Append(e.Text);
                        if (!clientGone)
                        {
                            clientGone = !await Guard(sink.ReasoningAsync(e.Text!, cancellationToken)).ConfigureAwait(false);
                        }

                        break;
                    case CompletionEventKind.ThinkingBlock:
                        if (!committed)
                        {
                            clientGone = !await CommitAsync().ConfigureAwait(false);
                        }

                        if (!clientGone)
                        {
                            // Stamped with its signer: only that model takes the block back (see ThinkingBlock.Model).
                            clientGone = !await Guard(sink.ThinkingBlockAsync(e.Block! with { Model = model.UpstreamModelName }, cancellationToken)).ConfigureAwait(false);
                        }

                        break;
                    case CompletionEventKind.Finish:
                        finish = e.FinishReason;
                        break;
                    case CompletionEventKind.Usage:
                        usage = e.Usage;
                        break;
                    case CompletionEventKind.ServiceTier:
                        // Known before the first content (OpenAI's first chunk has it), so the start carries it.
                        serviceTier ??= e.Text;
                        break;
                    case CompletionEventKind.Annotations:
                        // Annotations cite the content; they do not commit the answer (a fallback stays possible
                        // until content came), so any that come first wait for the start.
                        if (committed)
                        {
                            clientGone = !await Guard(sink.AnnotationsAsync(e.Text!, cancellationToken)).ConfigureAwait(false);
                        }
                        else
                        {
                            (heldAnnotations ??= []).Add(e.Text!);
                        }

                        break;
                }

                if (clientGone)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }

            // An empty answer is still an answer.
            if (!committed && !await CommitAsync().ConfigureAwait(false))
            {
                throw new OperationCanceledException(cancellationToken);
            }

            var served = usage ?? LocalUsage(call, model, output);
            finish ??= "stop";
            lease.Succeeded();
            if (!await Guard(sink.CompleteAsync(finish, served, cancellationToken)).ConfigureAwait(false))
            {
                throw new OperationCanceledException(cancellationToken);
            }

            return new AttemptOutcome(Record(model, "served", null, null, started, firstTokenMs, served), true, null, finish, served);
        }
        catch (ProviderException e)
        {
            return await FailAsync(e).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !clientGone)
        {
            var timeout = new ProviderException(
                ProviderFailureKind.Timeout,
                committed ? $"upstream '{model.Upstream}' did not finish within {upstream.Timeout.TotalMilliseconds:0} ms" : $"upstream '{model.Upstream}' sent no content within {upstream.FirstTokenTimeout.TotalMilliseconds:0} ms");
            return await FailAsync(timeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            var used = committed ? usage ?? LocalUsage(call, model, output) : default;
            var record = Record(model, "cancelled", "the client went away", null, started, firstTokenMs, used, billable: committed);
            return new AttemptOutcome(record, committed, null, null);
        }
        finally
        {
            if (events is not null)
            {
                try
                {
                    await events.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is ProviderException or OperationCanceledException or IOException or HttpRequestException)
                {
                    // Disposing an aborted upstream stream; nothing left to do.
                }
            }
        }

        // The first content arrived: the attempt's deadline becomes the whole-answer one, and the sink commits.
        async ValueTask<bool> CommitAsync()
        {
            committed = true;
            firstTokenMs = _time.GetElapsedTime(started).TotalMilliseconds;
            Metrics.FirstToken(model.Id, model.Upstream, firstTokenMs.Value);
            attemptCts.CancelAfter(Remaining(upstream.Timeout, started));
            if (!await Guard(sink.StartAsync(new RouteStart(call.DecisionId, model, number, plan, serviceTier), cancellationToken)).ConfigureAwait(false))
            {
                return false;
            }

            foreach (var held in heldAnnotations ?? [])
            {
                if (!await Guard(sink.AnnotationsAsync(held, cancellationToken)).ConfigureAwait(false))
                {
                    return false;
                }
            }

            return true;
        }

        async Task<AttemptOutcome> FailAsync(ProviderException error)
        {
            if (!error.Retryable)
            {
                // The upstream answered; it is the request it refused.
                lease.Succeeded();
                return Failed(model, "rejected", error, started, firstTokenMs, default);
            }

            if (lease.Failed(error))
            {
                Metrics.BreakerOpened(model.Upstream);
            }

            if (committed && sink.TryRetract())
            {
                // Nothing reached the client: record what the upstream produced, bill nothing, let the next candidate answer.
                var partial = usage ?? LocalUsage(call, model, output);
                return Failed(model, "failed_partial", error, started, firstTokenMs, partial);
            }

            if (committed)
            {
                var used = usage ?? LocalUsage(call, model, output);
                await Guard(sink.FailAsync(error, used, cancellationToken)).ConfigureAwait(false);
                return new AttemptOutcome(Record(model, "failed_after_content", error.Message, error.StatusCode, started, firstTokenMs, used), true, error, null);
            }

            return Failed(model, "failed", error, started, firstTokenMs, default);
        }
    }

    private AttemptOutcome Failed(ModelDescriptor model, string outcome, ProviderException error, long started, double? firstTokenMs, TokenUsage usage) =>
        new(Record(model, outcome, error.Message, error.StatusCode, started, firstTokenMs, usage, billable: false), false, error, null);

    private AttemptRecord Record(ModelDescriptor model, string outcome, string? error, int? status, long started, double? firstTokenMs, TokenUsage usage, bool billable = true) => new()
    {
        Model = model.Id,
        Upstream = model.Upstream,
        Outcome = outcome,
        Error = error,
        UpstreamStatus = status,
        TimeToFirstTokenMs = firstTokenMs,
        LatencyMs = _time.GetElapsedTime(started).TotalMilliseconds,
        PromptTokens = usage.PromptTokens,
        CompletionTokens = usage.CompletionTokens,
        CachedTokens = usage.CachedTokens,
        CacheWriteTokens = usage.CacheWriteTokens,
        ReasoningTokens = usage.ReasoningTokens,
        UsageEstimated = usage.Estimated,
        CostUsd = billable ? model.CostUsd(usage) : 0,
    };

    private static TokenUsage LocalUsage(RouteCall call, ModelDescriptor model, StringBuilder output) =>
        new(call.Route.PromptTokens(model), TokenCounter.Count(output.ToString()), Estimated: true);

    private TimeSpan Remaining(TimeSpan total, long started)
    {
        var left = total - _time.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
    }

    /// <summary>Runs a sink call; false when the client is gone (the write failed or was cancelled).</summary>
    private static async ValueTask<bool> Guard(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>An attempt's end; <see cref="Usage"/> with all its details when it was served (the record keeps only some of them).</summary>
    private readonly record struct AttemptOutcome(AttemptRecord Record, bool Committed, ProviderException? Error, string? FinishReason, TokenUsage? Usage = null);
}
