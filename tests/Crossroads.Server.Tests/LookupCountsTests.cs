using Crossroads.Server.RoutingTable;

namespace Crossroads.Server.Tests;

/// <summary>The striped counts behind routing_lookups_total: nothing lost under concurrent adds, each outcome apart.</summary>
public sealed class LookupCountsTests
{
    [Fact]
    public void Concurrent_adds_from_many_threads_sum_exactly_per_outcome()
    {
        var counts = new LookupCounts();
        const int Threads = 8;
        const int PerThread = 100_000;
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                counts.Add(LookupOutcome.Success, 1);
                if (i % 10 == 0)
                {
                    counts.Add(LookupOutcome.Invalid, 3);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(Threads * PerThread, counts.Total(LookupOutcome.Success));
        Assert.Equal(0, counts.Total(LookupOutcome.NotFound));
        Assert.Equal(Threads * (PerThread / 10) * 3, counts.Total(LookupOutcome.Invalid));
    }

    [Fact]
    public void Every_outcome_is_measured_with_its_status_label()
    {
        var counts = new LookupCounts();
        counts.Add(LookupOutcome.NotFound, 2);
        var measured = counts.Measure().ToDictionary(m => (string)m.Tags[0].Value!, m => m.Value);
        Assert.Equal(new Dictionary<string, long> { ["success"] = 0, ["not_found"] = 2, ["invalid"] = 0 }, measured);
    }
}
