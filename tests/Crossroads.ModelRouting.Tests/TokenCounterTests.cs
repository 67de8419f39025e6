using System.Diagnostics;
using System.Text;
using Crossroads.ModelRouting.Tokens;
using Microsoft.ML.Tokenizers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// Counting is linear in the text: a long run without whitespace used to cost quadratic BPE time (100 KB of one
/// letter in a prompt took 35 s of CPU, the request hung), and ordinary long text still counts exactly.
/// </summary>
public sealed class TokenCounterTests
{
    private static readonly TiktokenTokenizer Whole = TiktokenTokenizer.CreateForModel("gpt-4o");

    [Fact]
    public void A_100_KB_run_without_whitespace_counts_in_well_under_a_second()
    {
        TokenCounter.Count("warm up");
        var clock = Stopwatch.StartNew();
        int tokens = TokenCounter.Count(new string('a', 100_000));
        clock.Stop();

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        int exactPerPiece = Whole.CountTokens(new string('a', TokenCounter.MaxRunChars));
        Assert.InRange(tokens, 100_000 / TokenCounter.MaxRunChars * exactPerPiece, (100_000 / TokenCounter.MaxRunChars + 1) * exactPerPiece);
    }

    [Fact]
    public void Long_ordinary_text_counts_as_the_whole_text_does()
    {
        var text = new StringBuilder();
        for (int i = 0; text.Length < 40_000; i++)
        {
            text.Append(i % 7 == 0 ? "Le chemin des Sapins, à Pouembout:\n\t" : "the quick brown fox jumps over 12345 lazy dogs; ");
        }

        Assert.Equal(Whole.CountTokens(text.ToString()), TokenCounter.Count(text.ToString()));
    }

    [Fact]
    public void Short_text_and_surrogate_pairs_count_as_the_whole_text_does()
    {
        Assert.Equal(Whole.CountTokens("What is the capital of New Caledonia?"), TokenCounter.Count("What is the capital of New Caledonia?"));
        string emoji = string.Concat(Enumerable.Repeat("😀", 300));
        Assert.InRange(TokenCounter.Count(emoji), 1, Whole.CountTokens(emoji) + 5);
    }
}
