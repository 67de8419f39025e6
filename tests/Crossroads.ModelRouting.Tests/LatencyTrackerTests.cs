using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Tests;

public sealed class LatencyTrackerTests
{
    private const int Seed = 20261202;

    /// <summary>The slow reference: sort ascending (NaN first, as Array.Sort does) and take index n - k.</summary>
    private static double SortedKthLargest(double[] values, int k)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted[sorted.Length - k];
    }

    [Fact]
    public void KthLargest_matches_a_sort_on_random_inputs_with_duplicates_and_NaN()
    {
        var random = new Random(Seed);
        for (int round = 0; round < 20_000; round++)
        {
            int n = random.Next(1, 129);
            var values = new double[n];
            int distinct = random.Next(1, 12); // few distinct values: many duplicates in some rounds
            for (int i = 0; i < n; i++)
            {
                values[i] = random.Next(10) == 0 && round % 3 == 0 ? double.NaN
                    : round % 2 == 0 ? random.Next(distinct) : random.NextDouble() * 5_000;
            }

            int k = random.Next(1, n + 1);
            double expected = SortedKthLargest(values, k);
            double actual = LatencyTracker.KthLargest(values, k);
            Assert.True(expected.Equals(actual), $"seed {Seed}, round {round}, n {n}, k {k}: expected {expected}, got {actual}");
        }
    }

    [Fact]
    public void P95_is_the_nearest_rank_95th_percentile_of_the_last_128_answers()
    {
        var random = new Random(Seed);
        var tracker = new LatencyTracker();
        var recorded = new List<double>();
        Assert.Equal((0, 0), tracker.P95("m"));
        for (int i = 0; i < 400; i++)
        {
            double ms = Math.Round(random.NextDouble() * 900, 1) + (i % 50 == 0 ? 5_000 : 0);
            tracker.Record("m", ms);
            recorded.Add(ms);
            var window = recorded.TakeLast(128).Order().ToArray();
            double expected = window[(int)Math.Ceiling(0.95 * window.Length) - 1];
            Assert.Equal((expected, window.Length), tracker.P95("m"));
        }
    }
}
