namespace Crossroads.ModelRouting.Bandits;

/// <summary>
/// The learner's reward of one request, in [0, 1]: <c>wq·quality + wl·latency + wc·cost</c> with weights normalised
/// to sum to 1, where quality is the observed score (<c>/v1/observe</c>) or the model's prior until one arrives;
/// latency = clamp(1 − ms / (2·SLO), 0, 1) (1 when instant, ½ at the SLO, 0 at twice it); cost = clamp(1 − cost /
/// reference, 0, 1) with the reference the request's <c>max_cost_usd</c> or the dearest candidate's estimate.
/// A failed attempt scores 0.
/// </summary>
public static class Reward
{
    /// <summary>The reward of a served request.</summary>
    public static double Of(double quality, double latencyMs, double sloMs, double costUsd, double referenceCostUsd, double qualityWeight, double latencyWeight, double costWeight)
    {
        double sum = qualityWeight + latencyWeight + costWeight;
        if (sum <= 0)
        {
            return Math.Clamp(quality, 0, 1);
        }

        double latency = sloMs > 0 ? Math.Clamp(1 - (latencyMs / (2 * sloMs)), 0, 1) : 1;
        double cost = referenceCostUsd > 0 ? Math.Clamp(1 - (costUsd / referenceCostUsd), 0, 1) : 1;
        return Math.Clamp(((qualityWeight * Math.Clamp(quality, 0, 1)) + (latencyWeight * latency) + (costWeight * cost)) / sum, 0, 1);
    }
}
