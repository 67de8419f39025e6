using Crossroads.ModelRouting.Decisions;

namespace Crossroads.ModelRouting.Tests.Decisions;

public sealed class DecisionIdTests
{
    [Fact]
    public void Ids_are_32_lowercase_hex_digits_naming_their_slot()
    {
        string id = DecisionId.Create(1234);
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.StartsWith("000004d2", id, StringComparison.Ordinal);
        Assert.True(DecisionId.TryParse(id, 10_000, out var parsed));
        Assert.Equal(1234, parsed.Slot);
    }

    [Fact]
    public void Two_ids_of_one_slot_differ()
    {
        Assert.True(DecisionId.TryParse(DecisionId.Create(7), 8, out var a));
        Assert.True(DecisionId.TryParse(DecisionId.Create(7), 8, out var b));
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("nope")]
    [InlineData("000004d2000000000000000000000000a")]
    [InlineData("000004d200000000000000000000000")]
    [InlineData("000004D2000000000000000000000000")]
    [InlineData("000004d2-00000000000000000000000")]
    [InlineData("000004g2000000000000000000000000")]
    [InlineData("00002710000000000000000000000000")]
    [InlineData("ffffffff000000000000000000000000")]
    public void Anything_else_is_no_id(string? text) => Assert.False(DecisionId.TryParse(text, 10_000, out _));

    [Fact]
    public void Random_parts_do_not_repeat_across_pages_of_the_pool()
    {
        // 1,000 ids of 12 random bytes: three pages of 4 KiB.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 1_000; i++)
        {
            Assert.True(seen.Add(DecisionId.Create(0)[8..]));
        }

        Assert.DoesNotContain(seen, static r => r == new string('0', 24));
    }
}
