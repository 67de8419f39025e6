namespace Crossroads.ModelRouting.Routing;

/// <summary>
/// Clusters prompts by two cheap features so the learner keeps separate statistics for different kinds of work:
/// a kind (<c>code</c> when the prompt has a code fence or code keywords, <c>math</c> when digits and operators
/// dominate, <c>question</c> when it ends with '?', else <c>chat</c>) and a size by prompt tokens (<c>s</c> &lt; 64,
/// <c>m</c> &lt; 512, <c>l</c>). Example: <c>code:m</c>.
/// </summary>
public static class PromptClusters
{
    private static readonly string[] CodeMarkers = ["```", "def ", "class ", "function ", "#include", "SELECT ", "=> ", "};"];

    /// <summary>The cluster of a prompt of <paramref name="tokens"/> tokens whose last user text is <paramref name="text"/>.</summary>
    public static string Of(string text, int tokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        string size = tokens < 64 ? "s" : tokens < 512 ? "m" : "l";
        return Kind(text) + ":" + size;
    }

    private static string Kind(string text)
    {
        foreach (var marker in CodeMarkers)
        {
            if (text.Contains(marker, StringComparison.Ordinal))
            {
                return "code";
            }
        }

        int digits = 0, operators = 0, letters = 0;
        foreach (char c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is '+' or '-' or '*' or '/' or '=' or '^')
            {
                operators++;
            }
            else if (char.IsLetter(c))
            {
                letters++;
            }
        }

        if (operators > 0 && digits + operators > letters)
        {
            return "math";
        }

        return text.TrimEnd().EndsWith('?') ? "question" : "chat";
    }
}
