using Microsoft.ML.Tokenizers;

namespace Crossroads.ModelRouting.Tokens;

/// <summary>
/// Counts tokens with the o200k_base encoding (GPT-4o's; data shipped in a NuGet package, no download). Used to
/// estimate the input of a request before routing and by the demo model for its usage. Thread-safe.
/// </summary>
public static class TokenCounter
{
    private static readonly Lazy<TiktokenTokenizer> Tokenizer = new(static () => TiktokenTokenizer.CreateForModel("gpt-4o"));

    /// <summary>Per-message overhead of the chat format (role and separators), as OpenAI documents it.</summary>
    public const int PerMessageOverhead = 4;

    /// <summary>Tokens of <paramref name="text"/>.</summary>
    public static int Count(string text) => string.IsNullOrEmpty(text) ? 0 : Tokenizer.Value.CountTokens(text);
}
