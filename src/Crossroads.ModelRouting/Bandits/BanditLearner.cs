using System.Collections.Concurrent;

namespace Crossroads.ModelRouting.Bandits;

/// <summary>
/// Contextual bandit over models, one set of arms per prompt cluster. Rewards are in [0, 1] (see
/// <see cref="Reward"/>), which is what makes UCB1's bonus <c>c·sqrt(ln N / n)</c> comparable with the means: ATP's
/// router added the bonus to unnormalised scores, so the bonus never mattered and exploration never happened.
/// Thompson sampling keeps Beta(1 + Σr, 1 + Σ(1 − r)) per arm (fractional rewards as fractional successes, which keeps
/// the posterior mean at the empirical mean). Thread-safe; one lock per cluster.
/// </summary>
public sealed class BanditLearner
{
    private readonly ConcurrentDictionary<string, Cluster> _clusters = new(StringComparer.Ordinal);
    private readonly Random _random;
    private readonly Lock _randomLock = new();

    /// <summary>A learner; a <paramref name="seed"/> makes Thompson sampling reproducible.</summary>
    public BanditLearner(int? seed) => _random = seed is { } s ? new Random(s) : new Random();

    /// <summary>
    /// Picks one of <paramref name="models"/> (ordered by preference on ties: the first untried one is tried first)
    /// and writes each model's score into <paramref name="scores"/> (UCB index, or the Thompson draw).
    /// </summary>
    public int Choose(string cluster, IReadOnlyList<string> models, bool thompson, double ucbC, Span<double> scores)
    {
        ArgumentNullException.ThrowIfNull(models);
        var arms = _clusters.GetOrAdd(cluster, static _ => new Cluster());
        Span<ArmStatistics> stats = models.Count <= 32 ? stackalloc ArmStatistics[models.Count] : new ArmStatistics[models.Count];
        double total;
        lock (arms.Lock)
        {
            total = arms.TotalPulls;
            for (int i = 0; i < models.Count; i++)
            {
                stats[i] = arms.Arms.TryGetValue(models[i], out var s) ? s : default;
            }
        }

        int best = 0;
        double bestScore = double.NegativeInfinity;
        if (thompson)
        {
            lock (_randomLock)
            {
                for (int i = 0; i < models.Count; i++)
                {
                    var s = stats[i];
                    scores[i] = BetaSampler.Sample(_random, 1 + s.RewardSum, 1 + (s.Pulls - s.RewardSum));
                }
            }
        }
        else
        {
            double logTotal = Math.Log(Math.Max(total, 1));
            for (int i = 0; i < models.Count; i++)
            {
                var s = stats[i];
                scores[i] = s.Pulls <= 0 ? double.PositiveInfinity : s.Mean + (ucbC * Math.Sqrt(logTotal / s.Pulls));
            }
        }

        for (int i = 0; i < models.Count; i++)
        {
            if (scores[i] > bestScore)
            {
                bestScore = scores[i];
                best = i;
            }
        }

        return best;
    }

    /// <summary>Adds one pull of <paramref name="model"/> with <paramref name="reward"/> (clamped to [0, 1]).</summary>
    public void Record(string cluster, string model, double reward) => Adjust(cluster, model, 1, Math.Clamp(reward, 0, 1));

    /// <summary>Replaces a recorded reward (e.g. the prior quality) with a corrected one (the observed quality), without a new pull.</summary>
    public void Correct(string cluster, string model, double previousReward, double newReward) =>
        Adjust(cluster, model, 0, Math.Clamp(newReward, 0, 1) - Math.Clamp(previousReward, 0, 1));

    /// <summary>The statistics of <paramref name="model"/> in <paramref name="cluster"/>.</summary>
    public ArmStatistics Statistics(string cluster, string model)
    {
        if (_clusters.TryGetValue(cluster, out var arms))
        {
            lock (arms.Lock)
            {
                return arms.Arms.TryGetValue(model, out var s) ? s : default;
            }
        }

        return default;
    }

    private void Adjust(string cluster, string model, double pulls, double reward)
    {
        var arms = _clusters.GetOrAdd(cluster, static _ => new Cluster());
        lock (arms.Lock)
        {
            arms.Arms.TryGetValue(model, out var s);
            arms.Arms[model] = new ArmStatistics(s.Pulls + pulls, Math.Clamp(s.RewardSum + reward, 0, s.Pulls + pulls));
            arms.TotalPulls += pulls;
        }
    }

    private sealed class Cluster
    {
        public readonly Lock Lock = new();
        public readonly Dictionary<string, ArmStatistics> Arms = new(StringComparer.Ordinal);
        public double TotalPulls;
    }
}
