using Microsoft.ML.Tokenizers;

namespace Crossroads.ModelRouting.Tokens;

/// <summary>
/// Counts tokens with the o200k_base encoding (GPT-4o's; data shipped in a NuGet package, no download). Used to
/// estimate the input of a request before routing and by the demo model for its usage. Thread-safe.
/// </summary>
/// <remarks>
/// BPE over one pre-tokenized piece costs time quadratic in its length (a 100 KB run of letters took 35 s of CPU), so
/// a run of more than <see cref="MaxRunChars"/> characters without whitespace is counted in pieces of that length (a
/// piece boundary can change the count by a token, only for such runs). Long text is also counted in chunks of about
/// <see cref="ChunkChars"/> characters, cut just before a space that follows a non-space: o200k's pre-tokenizer always
/// starts a piece there, so those cuts do not change the count.
/// </remarks>
public static class TokenCounter
{
    private static readonly Lazy<TiktokenTokenizer> Tokenizer = new(static () => TiktokenTokenizer.CreateForModel("gpt-4o"));

    /// <summary>Per-message overhead of the chat format (role and separators), as OpenAI documents it.</summary>
    public const int PerMessageOverhead = 4;

    /// <summary>The longest run without whitespace counted whole.</summary>
    public const int MaxRunChars = 128;

    /// <summary>Text longer than this is counted in chunks cut at spaces.</summary>
    public const int ChunkChars = 4096;

    /// <summary>Tokens of <paramref name="text"/>.</summary>
    public static int Count(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var tokenizer = Tokenizer.Value;
        if (text.Length <= MaxRunChars)
        {
            return tokenizer.CountTokens(text);
        }

        int total = 0, start = 0, run = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (c == ' ' && run > 0 && i - start >= ChunkChars)
                {
                    total += tokenizer.CountTokens(text.AsSpan(start, i - start));
                    start = i;
                }

                run = 0;
            }
            else if (++run > MaxRunChars && !char.IsLowSurrogate(c))
            {
                total += tokenizer.CountTokens(text.AsSpan(start, i - start));
                start = i;
                run = 1;
            }
        }

        return start == 0 ? tokenizer.CountTokens(text) : total + tokenizer.CountTokens(text.AsSpan(start));
    }
}
