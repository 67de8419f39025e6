using Crossroads.ModelRouting.Bandits;

namespace Crossroads.ModelRouting.Tests;

public sealed class BanditLearnerTests
{
    private static readonly string[] Arms = ["a", "b"];

    /// <summary>
    /// Differential: with rewards in [0, 1], UCB1's bonus brings the learner back to an arm whose first pull was
    /// unlucky; the same index over unnormalised scores (ATP's router: utilities in the hundreds) never returns to it.
    /// </summary>
    [Fact]
    public void Ucb_with_normalised_rewards_explores_where_unnormalised_scores_never_do()
    {
        // b is better on average (0.7 vs 0.5) but its first pull scores 0.
        static double Draw(int arm, int pullsOfB, Random random) =>
            arm == 0 ? 0.5 : pullsOfB == 0 ? 0.0 : random.NextDouble() < 0.7 ? 1 : 0;

        var learner = new BanditLearner(seed: 1);
        var random = new Random(42);
        Span<double> scores = stackalloc double[2];
        int normalisedB = 0;
        for (int i = 0; i < 500; i++)
        {
            int chosen = learner.Choose("c", Arms, thompson: false, ucbC: Math.Sqrt(2), scores);
            double reward = Draw(chosen, normalisedB, random);
            normalisedB += chosen;
            learner.Record("c", Arms[chosen], reward);
        }

        // Reference: the same UCB1 index over scores scaled by 1000.
        random = new Random(42);
        double[] sums = [0, 0];
        int[] pulls = [0, 0];
        for (int i = 0; i < 500; i++)
        {
            int chosen = pulls[0] == 0 ? 0 : pulls[1] == 0 ? 1
                : Index(0) >= Index(1) ? 0 : 1;
            sums[chosen] += 1000 * Draw(chosen, pulls[1], random);
            pulls[chosen]++;

            double Index(int a) => (sums[a] / pulls[a]) + Math.Sqrt(2 * Math.Log(i) / pulls[a]);
        }

        Assert.True(normalisedB > 250, $"normalised: b pulled {normalisedB} of 500 times");
        Assert.Equal(1, pulls[1]);
    }

    [Fact]
    public void Ucb_tries_every_arm_before_exploiting()
    {
        var learner = new BanditLearner(seed: 1);
        string[] arms = ["x", "y", "z"];
        Span<double> scores = stackalloc double[3];
        var seen = new HashSet<int>();
        for (int i = 0; i < 3; i++)
        {
            int chosen = learner.Choose("c", arms, thompson: false, ucbC: 1, scores);
            seen.Add(chosen);
            learner.Record("c", arms[chosen], 1);
        }

        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void Thompson_with_a_fixed_seed_is_reproducible_and_converges_to_the_better_arm()
    {
        List<int> Run()
        {
            var learner = new BanditLearner(seed: 123);
            var random = new Random(5);
            Span<double> scores = stackalloc double[2];
            var choices = new List<int>();
            for (int i = 0; i < 400; i++)
            {
                int chosen = learner.Choose("c", Arms, thompson: true, ucbC: 0, scores);
                choices.Add(chosen);
                learner.Record("c", Arms[chosen], random.NextDouble() < (chosen == 1 ? 0.8 : 0.4) ? 1 : 0);
            }

            return choices;
        }

        var first = Run();
        Assert.Equal(first, Run());
        Assert.True(first.Skip(300).Count(static c => c == 1) >= 85, "the better arm should take ≥ 85 % of the last 100");
        Assert.Contains(0, first);
    }

    [Fact]
    public void Correct_replaces_a_reward_without_adding_a_pull()
    {
        var learner = new BanditLearner(seed: 1);
        learner.Record("c", "a", 0.5);
        learner.Correct("c", "a", 0.5, 0.9);
        var stats = learner.Statistics("c", "a");
        Assert.Equal(1, stats.Pulls);
        Assert.Equal(0.9, stats.Mean, 9);
    }

    [Fact]
    public void Reward_is_bounded_and_monotone()
    {
        Assert.Equal(1, Reward.Of(1, 0, 1000, 0, 1, 0.6, 0.2, 0.2), 9);
        Assert.Equal(0, Reward.Of(0, 5000, 1000, 2, 1, 0.6, 0.2, 0.2), 9);
        Assert.True(Reward.Of(0.9, 100, 1000, 0.1, 1, 0.6, 0.2, 0.2) > Reward.Of(0.5, 100, 1000, 0.1, 1, 0.6, 0.2, 0.2));
        Assert.True(Reward.Of(0.9, 100, 1000, 0.1, 1, 0.6, 0.2, 0.2) > Reward.Of(0.9, 900, 1000, 0.1, 1, 0.6, 0.2, 0.2));
    }
}
