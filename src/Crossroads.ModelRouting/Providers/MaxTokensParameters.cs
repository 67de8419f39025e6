namespace Crossroads.ModelRouting.Providers;

/// <summary>Configured names of <see cref="MaxTokensParameter"/>: the member names themselves.</summary>
public static class MaxTokensParameters
{
    /// <summary>The configured names, in declaration order (for error messages).</summary>
    public static IReadOnlyList<string> Names { get; } = ["max_tokens", "max_completion_tokens"];

    /// <summary>The member name (<c>max_tokens</c>, <c>max_completion_tokens</c>).</summary>
    public static string Name(MaxTokensParameter parameter) => parameter switch
    {
        MaxTokensParameter.MaxTokens => "max_tokens",
        MaxTokensParameter.MaxCompletionTokens => "max_completion_tokens",
        _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, "not a token cap member"),
    };

    /// <summary>Parses <c>max_tokens</c> or <c>max_completion_tokens</c> (case-insensitive, as the other configured names).</summary>
    public static bool TryParse(string? text, out MaxTokensParameter parameter)
    {
        if (string.Equals(text, "max_tokens", StringComparison.OrdinalIgnoreCase))
        {
            parameter = MaxTokensParameter.MaxTokens;
            return true;
        }

        if (string.Equals(text, "max_completion_tokens", StringComparison.OrdinalIgnoreCase))
        {
            parameter = MaxTokensParameter.MaxCompletionTokens;
            return true;
        }

        parameter = default;
        return false;
    }
}
