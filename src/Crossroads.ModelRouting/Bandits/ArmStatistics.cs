namespace Crossroads.ModelRouting.Bandits;

/// <summary>What the learner knows of one model in one cluster: how often it was tried and the sum of its rewards.</summary>
public readonly record struct ArmStatistics(double Pulls, double RewardSum)
{
    /// <summary>Mean reward (0 when never tried).</summary>
    public double Mean => Pulls > 0 ? RewardSum / Pulls : 0;
}
