using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Decisions;

/// <summary>
/// The most recent decisions, in memory, as a ring of <c>capacity</c> slots. <see cref="NewId"/> gives each request
/// the next position of the ring (its slot is in the id); <see cref="Add"/> writes the decision's JSON into that slot,
/// dropping whatever the slot held: with requests ending in the order they came, the decision made
/// <c>capacity</c> ids earlier. A request that outlasts <c>capacity</c> later ones (a long stream under load) drops
/// the newer decision of its slot instead, so a client can still read the decision of the answer it just received.
/// <para>
/// Why a ring of bytes: a dictionary of records kept every request's object graph (plan, candidates, strings,
/// attempts, dictionary node) alive through gen0 and gen1, and copying those was most of each collection's pause.
/// Here a kept decision is bytes in a buffer its slot reuses; lookups index the ring, take no lock and never block a
/// write (<see cref="DecisionSlot"/>).
/// </para>
/// </summary>
public sealed class DecisionStore
{
    /// <summary>Slots are made a page at a time, when first used: a large capacity costs memory only as it fills.</summary>
    private const int PageBits = 12;
    private const int PageMask = (1 << PageBits) - 1;

    private readonly int _capacity;
    private readonly SlotOrder _order;
    private readonly DecisionSlot[]?[] _pages;
    private readonly JsonBytes _json = new(default);
    private long _issued;

    /// <summary>A store keeping at most <paramref name="capacity"/> decisions.</summary>
    public DecisionStore(int capacity)
        : this(capacity, new SlotOrder(capacity))
    {
    }

    internal DecisionStore(int capacity, SlotOrder order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _order = order;
        _pages = new DecisionSlot[((capacity - 1) >> PageBits) + 1][];
    }

    /// <summary>How many decisions are kept at most.</summary>
    public int Capacity => _capacity;

    /// <summary>The id of the next decision (the next position of the ring); <see cref="Add"/> keeps only decisions with ids made here.</summary>
    public string NewId()
    {
        long position = (Interlocked.Increment(ref _issued) - 1) % _capacity;
        return DecisionId.Create(_order.SlotOf((int)position));
    }

    /// <summary>Keeps <paramref name="record"/> in its id's slot, dropping the decision the slot held.</summary>
    public void Add(DecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!DecisionId.TryParse(record.Id, _capacity, out var id))
        {
            throw new ArgumentException($"Decision id '{record.Id}' was not made by this store's {nameof(NewId)}.", nameof(record));
        }

        _json.Write(
            (Record: record, Id: id, Slot: Slot(id.Slot)),
            static (w, s) => DecisionJson.Write(w, s.Record),
            static (json, s) => s.Slot.Write(s.Id, json, json.LastIndexOf(DecisionJson.ScoreStart)));
    }

    /// <summary>Finds a decision.</summary>
    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out KeptDecision? decision)
    {
        decision = null;
        if (!DecisionId.TryParse(id, _capacity, out var parsed) || Page(parsed.Slot) is not { } page)
        {
            return false;
        }

        if (!page[parsed.Slot & PageMask].TryRead(parsed, out var json, out int version))
        {
            return false;
        }

        decision = new KeptDecision(json, parsed.Slot, version);
        return true;
    }

    /// <summary>
    /// Sets the score (<c>reward</c>, <c>observed_quality</c>) of <paramref name="previous"/> if its slot was not written
    /// since it was read; <paramref name="updated"/> is then the decision as now kept.
    /// </summary>
    public bool TryReplaceScore(KeptDecision previous, double reward, double observedQuality, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out KeptDecision? updated)
    {
        ArgumentNullException.ThrowIfNull(previous);
        updated = null;

        // The score as an object of its own, whose '{' becomes the comma after the members before it.
        var end = _json.ToBytes((reward, observedQuality), static (w, score) => DecisionJson.WriteScore(w, score));
        end[0] = (byte)',';
        if (!Slot(previous.Slot).TryReplaceScore(previous.Version, end, out var json))
        {
            return false;
        }

        updated = new KeptDecision(json, previous.Slot, previous.Version + 2);
        return true;
    }

    private DecisionSlot[]? Page(int slot) => Volatile.Read(ref _pages[slot >> PageBits]);

    private DecisionSlot Slot(int slot)
    {
        var page = Page(slot);
        if (page is null)
        {
            int size = Math.Min(1 << PageBits, _capacity - (slot & ~PageMask));
            var made = new DecisionSlot[size];
            for (int i = 0; i < made.Length; i++)
            {
                made[i] = new DecisionSlot();
            }

            page = Interlocked.CompareExchange(ref _pages[slot >> PageBits], made, null) ?? made;
        }

        return page[slot & PageMask];
    }
}
