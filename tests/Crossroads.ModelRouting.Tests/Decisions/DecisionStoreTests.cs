using System.Collections.Concurrent;
using System.Text;
using Crossroads.ModelRouting.Decisions;
using Xunit.Abstractions;

namespace Crossroads.ModelRouting.Tests.Decisions;

/// <summary>The decision ring: eviction order, lookups of dropped or foreign ids, observations, and concurrent use against a reference.</summary>
public sealed class DecisionStoreTests(ITestOutputHelper output)
{
    private static string Text(ReadOnlyMemory<byte> json) => Encoding.UTF8.GetString(json.Span);

    private static string Expected(DecisionRecord d) => Encoding.UTF8.GetString(ReferenceDecisionJson.Serialize(d));

    [Fact]
    public void A_kept_decision_reads_back_as_its_json_and_summary()
    {
        var store = new DecisionStore(10);
        var d = SampleDecisions.Served(store.NewId());
        store.Add(d);

        Assert.True(store.TryGet(d.Id, out var kept));
        Assert.Equal(Expected(d), Text(kept.Json));
        Assert.Equal(d.Id, kept.Id);
        Assert.Equal("cheapest_meeting_slo", kept.Policy);
        Assert.Equal("question:s", kept.Cluster);
        Assert.Equal(1, kept.AttemptCount);
        Assert.Equal("fake-model", kept.ServedBy);
        Assert.Equal("completed", kept.Outcome);
        Assert.Equal(0.83, kept.Reward);
        Assert.Null(kept.ObservedQuality);
    }

    [Fact]
    public void The_ring_drops_the_oldest_decisions_beyond_capacity()
    {
        var store = new DecisionStore(5);
        var records = Enumerable.Range(0, 12).Select(i => SampleDecisions.Served(store.NewId()) with { InputTokens = i }).ToList();
        foreach (var d in records)
        {
            store.Add(d);
        }

        for (int i = 0; i < records.Count; i++)
        {
            bool found = store.TryGet(records[i].Id, out var kept);
            Assert.Equal(i >= 7, found);
            if (found)
            {
                Assert.Equal(Expected(records[i]), Text(kept!.Json));
            }
        }
    }

    [Fact]
    public void Capacity_ids_in_a_row_take_every_slot_once()
    {
        var store = new DecisionStore(300);
        var slots = Enumerable.Range(0, 300).Select(_ => DecisionId.TryParse(store.NewId(), 300, out var id) ? id.Slot : -1).ToHashSet();
        Assert.Equal(Enumerable.Range(0, 300).ToHashSet(), slots);
    }

    [Fact]
    public void Ids_that_are_not_kept_are_not_found()
    {
        var store = new DecisionStore(4);
        var kept = SampleDecisions.Served(store.NewId());
        store.Add(kept);
        string issuedNotAdded = store.NewId();
        Assert.True(DecisionId.TryParse(kept.Id, 4, out var parsed));

        Assert.False(store.TryGet(issuedNotAdded, out _));
        Assert.False(store.TryGet(kept.Id.ToUpperInvariant(), out _));
        Assert.False(store.TryGet("nope", out _));
        Assert.False(store.TryGet(DecisionId.Create(parsed.Slot), out _)); // its slot, another id
        Assert.False(store.TryGet(DecisionId.Create(4), out _)); // no such slot
        Assert.True(store.TryGet(kept.Id, out _));
    }

    [Fact]
    public void Ids_made_elsewhere_are_refused()
    {
        var store = new DecisionStore(4);
        Assert.Throws<ArgumentException>(() => store.Add(SampleDecisions.Served(Guid.CreateVersion7().ToString("N"))));
        Assert.Throws<ArgumentException>(() => store.Add(SampleDecisions.Served(DecisionId.Create(4))));
    }

    [Fact]
    public void A_decision_that_ends_after_its_slot_came_round_again_takes_the_slot()
    {
        // A long request (a stream) whose id was issued before capacity later ones ended: the client that just got its
        // answer can read its decision; the newer one of that slot is dropped instead.
        var store = new DecisionStore(3);
        string longOne = store.NewId();
        var later = Enumerable.Range(0, 3).Select(_ => SampleDecisions.Served(store.NewId())).ToList();
        later.ForEach(store.Add);
        Assert.True(store.TryGet(later[2].Id, out _));

        store.Add(SampleDecisions.Served(longOne));

        Assert.True(store.TryGet(longOne, out _));
        Assert.False(store.TryGet(later[2].Id, out _));
        Assert.True(store.TryGet(later[0].Id, out _));
        Assert.True(store.TryGet(later[1].Id, out _));
    }

    [Fact]
    public void An_observation_replaces_the_score_of_a_kept_decision()
    {
        var store = new DecisionStore(10);
        var d = SampleDecisions.Served(store.NewId());
        store.Add(d);
        Assert.True(store.TryGet(d.Id, out var read));

        Assert.True(store.TryReplaceScore(read, 0.61, 0.2, out var updated));

        var expected = Expected(d with { Reward = 0.61, ObservedQuality = 0.2 });
        Assert.Equal(expected, Text(updated.Json));
        Assert.Equal(0.61, updated.Reward);
        Assert.Equal(0.2, updated.ObservedQuality);
        Assert.True(store.TryGet(d.Id, out var again));
        Assert.Equal(expected, Text(again.Json));

        // A second observation from the new read applies too, with a score longer than the first.
        Assert.True(store.TryReplaceScore(again, 0.123456789012345, 0.987654321098765, out var twice));
        Assert.Equal(Expected(d with { Reward = 0.123456789012345, ObservedQuality = 0.987654321098765 }), Text(twice.Json));
    }

    [Fact]
    public void An_observation_from_a_stale_read_is_refused()
    {
        var store = new DecisionStore(2);
        var d = SampleDecisions.Served(store.NewId());
        store.Add(d);
        Assert.True(store.TryGet(d.Id, out var first));
        Assert.True(store.TryGet(d.Id, out var second));
        Assert.True(store.TryReplaceScore(first, 0.5, 0.5, out _));

        Assert.False(store.TryReplaceScore(second, 0.9, 0.9, out _));

        // Nor does a read of a decision since dropped change the slot's new decision.
        Assert.True(store.TryGet(d.Id, out var beforeEviction));
        store.Add(SampleDecisions.Served(store.NewId()));
        var newcomer = SampleDecisions.Served(store.NewId());
        store.Add(newcomer);
        Assert.False(store.TryGet(d.Id, out _));
        Assert.False(store.TryReplaceScore(beforeEviction, 0.9, 0.9, out _));
        Assert.True(store.TryGet(newcomer.Id, out var kept));
        Assert.Equal(Expected(newcomer), Text(kept.Json));
    }

    [Fact]
    public void A_score_longer_than_the_slot_s_spare_room_moves_the_document_to_a_larger_buffer()
    {
        var slot = new DecisionSlot();
        var id = new DecisionId(0, 1, 2);
        byte[] json = Encoding.UTF8.GetBytes("{\"a\":1,\"reward\":null}");
        int offset = json.AsSpan().LastIndexOf(DecisionJson.ScoreStart);
        slot.Write(id, json, offset);
        Assert.True(slot.TryRead(id, out _, out int version));
        string longScore = ",\"reward\":1,\"x\":\"" + new string('y', 1000) + "\"}";

        Assert.True(slot.TryReplaceScore(version, Encoding.UTF8.GetBytes(longScore), out var replaced));

        Assert.Equal("{\"a\":1" + longScore, Encoding.UTF8.GetString(replaced));
        Assert.True(slot.TryRead(id, out var read, out _));
        Assert.Equal("{\"a\":1" + longScore, Encoding.UTF8.GetString(read));
    }

    /// <summary>
    /// Writers, readers and observers at once. Reference: every id's documents (as added, and with the one score its
    /// observer writes); a read must be exactly one of them, never a mix of two writes. At the end, every slot holds
    /// exactly one of the decisions added to it.
    /// </summary>
    [Fact]
    public async Task Concurrent_adds_reads_and_observations_match_the_reference()
    {
        const int Seed = 4242;
        const int Capacity = 64;
        const int PerWriter = 3_000;
        output.WriteLine($"seed {Seed}");
        var store = new DecisionStore(Capacity);
        var documents = new ConcurrentDictionary<string, (string Added, string Observed)>();
        var issued = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        int reads = 0, found = 0, observed = 0;

        // Each on a thread of its own, started together: on the thread pool of a 2-core machine the fifth task could
        // start only after the writers were done (then the observer never observed anything).
        using var start = new Barrier(5);
        Task OnOwnThread(Action body) => Task.Factory.StartNew(() => { start.SignalAndWait(); body(); }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        static (double Reward, double Quality) ScoreOf(string id) => ((id[^1] % 7) / 7.0, (id[^2] % 5) / 5.0);

        var writers = Enumerable.Range(0, 3).Select(w => OnOwnThread(() =>
        {
            var random = new Random(Seed + w);
            for (int i = 0; i < PerWriter; i++)
            {
                var d = SampleDecisions.Random(random, store.NewId()) with { ServedBy = "m", Reward = 0.5 };
                var (reward, quality) = ScoreOf(d.Id);
                documents[d.Id] = (Expected(d), Expected(d with { Reward = reward, ObservedQuality = quality }));
                issued.Enqueue(d.Id);
                store.Add(d);
            }
        })).ToArray();
        var readers = Enumerable.Range(0, 2).Select(r => OnOwnThread(() =>
        {
            var random = new Random(Seed + 100 + r);
            while (!stop.IsCancellationRequested)
            {
                var ids = issued.ToArray();
                if (ids.Length == 0)
                {
                    continue;
                }

                // Mostly recent ids (likely kept), some old ones (likely dropped).
                string id = ids[random.Next(2) == 0 ? Math.Max(0, ids.Length - 1 - random.Next(Capacity)) : random.Next(ids.Length)];
                Interlocked.Increment(ref reads);
                if (!store.TryGet(id, out var kept))
                {
                    continue;
                }

                Interlocked.Increment(ref found);
                var (added, withScore) = documents[id];
                string text = Text(kept.Json);
                Assert.True(text == added || text == withScore, $"torn or foreign read of {id}: {text}");
                if (r == 0 && kept.ObservedQuality is null)
                {
                    var (reward, quality) = ScoreOf(id);
                    if (store.TryReplaceScore(kept, reward, quality, out var updated))
                    {
                        Interlocked.Increment(ref observed);
                        Assert.Equal(withScore, Text(updated.Json));
                    }
                }
            }
        })).ToArray();

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        output.WriteLine($"reads {reads}, found {found}, observed {observed}");
        Assert.True(found > 0 && observed > 0, $"reads {reads}, found {found}, observed {observed}");

        var bySlot = issued.GroupBy(id => DecisionId.TryParse(id, Capacity, out var p) ? p.Slot : -1).ToList();
        Assert.Equal(Capacity, bySlot.Count);
        foreach (var slot in bySlot)
        {
            var kept = slot.Where(id => store.TryGet(id, out _)).ToList();
            Assert.Single(kept);
            Assert.True(store.TryGet(kept[0], out var d));
            Assert.Contains(Text(d.Json), new[] { documents[kept[0]].Added, documents[kept[0]].Observed });
        }
    }
}
