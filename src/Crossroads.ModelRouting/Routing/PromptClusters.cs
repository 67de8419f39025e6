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

    /// <summary>
    /// Every cluster name, built once: a decision keeps its cluster for as long as it is kept (10,000 by default), and a
    /// string per request was one more object each garbage collection had to copy.
    /// </summary>
    private static readonly string[][] Names =
    [
        ["code:s", "code:m", "code:l"],
        ["math:s", "math:m", "math:l"],
        ["question:s", "question:m", "question:l"],
        ["chat:s", "chat:m", "chat:l"],
    ];

    /// <summary>The cluster of a prompt of <paramref name="tokens"/> tokens whose last user text is <paramref name="text"/>.</summary>
    public static string Of(string text, int tokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        int size = tokens < 64 ? 0 : tokens < 512 ? 1 : 2;
        return Names[Kind(text)][size];
    }

    /// <summary>0 code, 1 math, 2 question, 3 chat.</summary>
    private static int Kind(string text)
    {
        foreach (var marker in CodeMarkers)
        {
            if (text.Contains(marker, StringComparison.Ordinal))
            {
                return 0;
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
            return 1;
        }

        return text.TrimEnd().EndsWith('?') ? 2 : 3;
    }
}
