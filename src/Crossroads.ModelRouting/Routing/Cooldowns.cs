using System.Collections.Concurrent;

namespace Crossroads.ModelRouting.Routing;

/// <summary>
/// Per-model breaker: after <see cref="RoutingSettings.CooldownAllowedFails"/> consecutive retryable failures a
/// model is skipped for <see cref="RoutingSettings.CooldownDuration"/>; then it is half-open (one more failure trips
/// it again, a success closes it).
/// </summary>
public sealed class Cooldowns(RoutingSettings settings, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, State> _models = new(StringComparer.Ordinal);

    /// <summary>When the model's cooldown ends, if it is cooling down now.</summary>
    public DateTimeOffset? CoolingUntil(string model)
    {
        if (_models.TryGetValue(model, out var state))
        {
            lock (state)
            {
                if (state.Until is { } until && until > time.GetUtcNow())
                {
                    return until;
                }
            }
        }

        return null;
    }

    /// <summary>Records a retryable failure; true when it put the model in cooldown.</summary>
    public bool RecordFailure(string model)
    {
        var state = _models.GetOrAdd(model, static _ => new State());
        lock (state)
        {
            var now = time.GetUtcNow();
            if (state.Until is { } until && until <= now)
            {
                // Half-open: the probe failed.
                state.Failures = settings.CooldownAllowedFails - 1;
                state.Until = null;
            }

            state.Failures++;
            if (state.Failures >= settings.CooldownAllowedFails)
            {
                state.Until = now + settings.CooldownDuration;
                return true;
            }

            return false;
        }
    }

    /// <summary>Records a success: the breaker closes.</summary>
    public void RecordSuccess(string model)
    {
        if (_models.TryGetValue(model, out var state))
        {
            lock (state)
            {
                state.Failures = 0;
                state.Until = null;
            }
        }
    }

    private sealed class State
    {
        public int Failures;
        public DateTimeOffset? Until;
    }
}
