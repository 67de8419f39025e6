using Crossroads.ModelRouting.Decisions;
using Xunit.Abstractions;

namespace Crossroads.ModelRouting.Tests.Decisions;

/// <summary>The ring's positions map to its slots one to one, in an order that is not the arrival order.</summary>
public sealed class SlotOrderTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(64)]
    [InlineData(1000)]
    [InlineData(4097)]
    [InlineData(10_000)]
    public void Every_position_has_its_own_slot(int capacity)
    {
        const int Seed = 31;
        output.WriteLine($"seed {Seed}");
        var random = new Random(Seed);
        for (int k = 0; k < 5; k++)
        {
            uint[] keys = [.. Enumerable.Range(0, 4).Select(_ => (uint)random.NextInt64(uint.MaxValue + 1L))];
            var order = new SlotOrder(capacity, keys);
            var seen = new bool[capacity];
            for (int position = 0; position < capacity; position++)
            {
                int slot = order.SlotOf(position);
                Assert.InRange(slot, 0, capacity - 1);
                Assert.False(seen[slot], $"slot {slot} taken twice (keys {string.Join(',', keys)})");
                seen[slot] = true;
            }
        }
    }

    [Fact]
    public void Consecutive_positions_do_not_take_consecutive_slots()
    {
        var order = new SlotOrder(10_000, [1, 2, 3, 4]);
        int[] slots = [.. Enumerable.Range(0, 20).Select(order.SlotOf)];
        Assert.NotEqual(slots.Order(), slots);
        Assert.Contains(Enumerable.Range(1, 19), i => Math.Abs(slots[i] - slots[i - 1]) > 100);
    }
}
