using Crossroads.RoutingTable.State;

namespace Crossroads.RoutingTable.Tests.State;

public sealed class PersistentIntArrayTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(3 * 4096 + 5)]
    public void New_array_is_filled(int length)
    {
        var array = new PersistentIntArray(length, 42);
        Assert.Equal(length, array.Length);
        for (int i = 0; i < length; i++)
        {
            Assert.True(array[i] == 42, $"index {i} of {length}");
        }
    }

    [Fact]
    public void Every_version_keeps_its_values_after_later_edits()
    {
        const int Seed = 7;
        const int Length = 5 * 4096 + 17;
        var rng = new Random(Seed);
        var versions = new List<(PersistentIntArray Array, int[] Expected)> { (new PersistentIntArray(Length, -1), Enumerable.Repeat(-1, Length).ToArray()) };
        for (int step = 0; step < 40; step++)
        {
            // Edit a random earlier version, not only the latest: versions form a tree.
            var (source, sourceExpected) = versions[rng.Next(versions.Count)];
            var editor = source.Edit();
            int[] expected = (int[])sourceExpected.Clone();
            int writes = rng.Next(1, 50);
            for (int w = 0; w < writes; w++)
            {
                int index = rng.Next(4) == 0 ? (rng.Next(6) * 4096 - rng.Next(2) + Length) % Length : rng.Next(Length);
                int value = rng.Next();
                editor[index] = value;
                expected[index] = value;
                Assert.True(editor[index] == value, $"seed {Seed}: editor read-back at {index}");
            }

            versions.Add((editor.ToArray(), expected));
            foreach (var (array, values) in versions)
            {
                for (int i = 0; i < Length; i += rng.Next(1, 64))
                {
                    Assert.True(array[i] == values[i], $"seed {Seed}, step {step}: index {i} is {array[i]}, expected {values[i]}");
                }

                Assert.Equal(values[^1], array[Length - 1]);
            }
        }
    }

    [Fact]
    public void Editor_rejects_indices_out_of_range()
    {
        var editor = new PersistentIntArray(10, 0).Edit();
        Assert.Throws<ArgumentOutOfRangeException>(() => editor[10] = 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => editor[-1] = 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = editor[10]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PersistentIntArray(-1, 0));
    }
}
