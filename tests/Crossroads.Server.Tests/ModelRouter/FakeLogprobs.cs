using System.Globalization;
using System.Text;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// The log probabilities the fake's OpenAI protocol sends with each word when asked (<c>logprobs: true</c>): one
/// entry per word, its logprob derived from the word (so tests can check it), <c>top_logprobs</c> entries the word
/// itself then <c>alt1</c>, <c>alt2</c>, ..., in OpenAI's chunk shape <c>{"content":[...],"refusal":null}</c>.
/// </summary>
internal static class FakeLogprobs
{
    public static double LogProbability(string token) => -token.Length / 8.0;

    /// <summary>A chunk's whole <c>logprobs</c> object for one word.</summary>
    public static string Json(string word, int top) => "{\"content\":[" + Entry(word, top) + "],\"refusal\":null}";

    /// <summary>One <c>content</c> entry: token, logprob, bytes, top_logprobs.</summary>
    public static string Entry(string word, int top)
    {
        var alternatives = Enumerable.Range(0, top).Select(i => i == 0 ? Alternative(word, LogProbability(word)) : Alternative("alt" + i, LogProbability(word) - i));
        return Alternative(word, LogProbability(word))[..^1] + ",\"top_logprobs\":[" + string.Join(",", alternatives) + "]}";
    }

    private static string Alternative(string token, double logprob) =>
        "{\"token\":" + System.Text.Json.JsonSerializer.Serialize(token) + ",\"logprob\":" + logprob.ToString("R", CultureInfo.InvariantCulture)
        + ",\"bytes\":[" + string.Join(",", Encoding.UTF8.GetBytes(token)) + "]}";
}
