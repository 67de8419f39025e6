using System.Collections.Concurrent;
using System.Globalization;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Routing;

/// <summary>
/// What the router knows about each upstream's health and load, and the gate every attempt passes:
/// <list type="bullet">
/// <item>a <b>breaker</b>: <see cref="RoutingSettings.CooldownAllowedFails"/> retryable failures (of any of its
/// models) within the last <see cref="RoutingSettings.CooldownWindow"/> open it for
/// <see cref="RoutingSettings.CooldownDuration"/>; a 401, 403 or 404 opens it at once (the upstream itself is broken:
/// key, address or model name); after the cooldown it is half-open and lets exactly one probe request through, whose
/// success closes it and whose failure opens it again. Successes in between do not clear the count (as LiteLLM
/// counts failures per window): an upstream failing every other request is as broken as one failing in a row, and
/// a consecutive count would never open for it. When the breaker closes its failures are forgotten, so a recovered
/// upstream starts from none;</item>
/// <item>the upstream's <b><c>Retry-After</c></b>: no attempt before the time it named;</item>
/// <item><b><c>MaxConcurrency</c></b>: at most that many attempts in flight; a saturated upstream is skipped (the
/// next candidate is tried at once) rather than queued, because a queued request holds its client for an unknown
/// time and the plan already has fallbacks that are free now;</item>
/// <item>the in-flight count <c>least_busy</c> ranks by.</item>
/// </list>
/// <see cref="Check"/> explains (for the plan) without side effects; <see cref="TryAcquire"/> is the authoritative
/// gate at attempt time, because the state may have moved between plan and attempt.
/// </summary>
public sealed class UpstreamHealth(RoutingSettings settings, TimeProvider time, IReadOnlyDictionary<string, int>? maxConcurrency = null)
{
    private readonly ConcurrentDictionary<string, State> _upstreams = new(StringComparer.Ordinal);

    /// <summary>Attempts in flight on <paramref name="upstream"/> now.</summary>
    public int InFlight(string upstream) => _upstreams.TryGetValue(upstream, out var state) ? Volatile.Read(ref state.InFlight) : 0;

    /// <summary>Why no attempt may go to <paramref name="upstream"/> now (code and sentence), or null when one may.</summary>
    public Exclusion? Check(string upstream)
    {
        var state = Get(upstream);
        lock (state)
        {
            return Refusal(upstream, state, time.GetUtcNow());
        }
    }

    /// <summary>When <paramref name="upstream"/> may be called again, if it is closed for a known time (cooldown, Retry-After).</summary>
    public DateTimeOffset? AvailableAt(string upstream)
    {
        var state = Get(upstream);
        lock (state)
        {
            var now = time.GetUtcNow();
            DateTimeOffset? at = null;
            if (state.OpenUntil is { } until && until > now)
            {
                at = until;
            }

            if (state.NotBefore is { } notBefore && notBefore > now && (at is null || notBefore > at))
            {
                at = notBefore;
            }

            return at;
        }
    }

    /// <summary>
    /// Takes a place for one attempt on <paramref name="upstream"/> (the probe's place when half-open); false with the
    /// reason when the upstream is open, half-open with its probe out, within its <c>Retry-After</c>, or saturated.
    /// </summary>
    public bool TryAcquire(string upstream, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out UpstreamLease? lease, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out Exclusion? refusal)
    {
        var state = Get(upstream);
        lock (state)
        {
            var now = time.GetUtcNow();
            refusal = Refusal(upstream, state, now);
            if (refusal is not null)
            {
                lease = null;
                return false;
            }

            bool probe = state.OpenUntil is not null; // past its cooldown: this attempt is the half-open probe
            state.ProbeInFlight |= probe;
            state.InFlight++;
            lease = new UpstreamLease(this, upstream, state, probe);
            return true;
        }
    }

    private State Get(string upstream) => _upstreams.GetOrAdd(
        upstream,
        static (_, args) => new State(args.Max, args.AllowedFails),
        (Max: maxConcurrency is not null && maxConcurrency.TryGetValue(upstream, out var m) ? m : (int?)null, AllowedFails: Math.Max(1, settings.CooldownAllowedFails)));

    private static Exclusion? Refusal(string upstream, State state, DateTimeOffset now)
    {
        if (state.OpenUntil is { } until)
        {
            if (until > now)
            {
                return new Exclusion("cooling_down", Invariant($"upstream '{upstream}' breaker is open ({state.OpenReason}) until {until:O}"));
            }

            if (state.ProbeInFlight)
            {
                return new Exclusion("half_open", Invariant($"upstream '{upstream}' breaker is half-open and its one probe request is in flight"));
            }
        }

        if (state.NotBefore is { } notBefore && notBefore > now)
        {
            return new Exclusion("retry_after", Invariant($"upstream '{upstream}' asked to be called again no sooner than {notBefore:O} (Retry-After)"));
        }

        if (state.MaxConcurrency is { } max && state.InFlight >= max)
        {
            return new Exclusion("saturated", Invariant($"upstream '{upstream}' has {state.InFlight} requests in flight, its MaxConcurrency"));
        }

        return null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The breaker of <paramref name="upstream"/> now: closed, open (cooling down) or half-open (past the cooldown; the
    /// next attempt, or the one in flight, is the probe).
    /// </summary>
    public BreakerState Breaker(string upstream)
    {
        if (!_upstreams.TryGetValue(upstream, out var state))
        {
            return BreakerState.Closed;
        }

        lock (state)
        {
            return state.OpenUntil switch
            {
                null => BreakerState.Closed,
                { } until when until > time.GetUtcNow() => BreakerState.Open,
                _ => BreakerState.HalfOpen,
            };
        }
    }

    /// <summary>Records the end of an attempt; true when it opened the breaker.</summary>
    internal bool Complete(State state, bool probe, ProviderException? failure, bool success)
    {
        lock (state)
        {
            state.InFlight--;
            if (probe)
            {
                state.ProbeInFlight = false;
            }

            if (success)
            {
                if (state.OpenUntil is not null)
                {
                    // Closing (the probe, or an attempt from before the opening, got an answer): a recovered
                    // upstream starts from no failures, not from those that opened it.
                    state.Failures.Clear();
                }

                state.OpenUntil = null;
                return false;
            }

            if (failure is null)
            {
                // Neither (the client went away): the probe's place is freed for the next request, nothing learned.
                return false;
            }

            var now = time.GetUtcNow();
            if (failure.RetryAfter is { } wait && (state.NotBefore is null || now + wait > state.NotBefore))
            {
                state.NotBefore = now + wait;
            }

            string? reason = failure.UpstreamMisconfigured
                ? Invariant($"it answered {failure.StatusCode}")
                : probe
                    ? "its half-open probe failed"
                    : state.Failures.RecordAndCheck(now, settings.CooldownWindow)
                        ? Invariant($"{settings.CooldownAllowedFails} failure{(settings.CooldownAllowedFails == 1 ? string.Empty : "s")} within {settings.CooldownWindow.TotalSeconds:0.###} s")
                        : null;
            if (reason is null)
            {
                return false;
            }

            bool wasOpen = state.OpenUntil is { } until && until > now;
            state.OpenUntil = now + settings.CooldownDuration;
            state.OpenReason = reason;
            return !wasOpen;
        }
    }

    /// <summary>One upstream's state; every field is guarded by the instance's lock except reads of <see cref="InFlight"/>.</summary>
    internal sealed class State(int? maxConcurrency, int allowedFails)
    {
        public readonly int? MaxConcurrency = maxConcurrency;
        public int InFlight;
        public readonly FailureWindow Failures = new(allowedFails);
        public DateTimeOffset? OpenUntil;
        public string OpenReason = string.Empty;
        public bool ProbeInFlight;
        public DateTimeOffset? NotBefore;
    }
}
