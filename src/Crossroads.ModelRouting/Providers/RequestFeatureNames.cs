namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// The names of <see cref="RequestFeatures"/> as clients see them: the request member (OpenAI's <c>error.param</c>)
/// and the name in exclusion codes (<c>unsupported:&lt;name&gt;</c>), e.g. <c>response_format</c> and
/// <c>response_format.json_schema</c>.
/// </summary>
public static class RequestFeatureNames
{
    /// <summary>Prefix of the planner's exclusion code for a feature the model's upstream cannot serve.</summary>
    public const string ExclusionPrefix = "unsupported:";

    /// <summary>
    /// What a client can do about <see cref="RequestFeatures.ReasoningWithToolHistory"/>: unlike the other features it
    /// is not a member to drop but blocks the client did not send back, so the exclusion and the 400 say which.
    /// </summary>
    public const string ToolHistoryHint = "send back the thinking_blocks of the assistant message that made the last tool calls";

    private static readonly (RequestFeatures Feature, string Name, string Member)[] Table =
    [
        (RequestFeatures.Tools, "tools", "tools"),
        (RequestFeatures.ParallelToolCalls, "parallel_tool_calls", "parallel_tool_calls"),
        (RequestFeatures.JsonObject, "response_format.json_object", "response_format"),
        (RequestFeatures.JsonSchema, "response_format.json_schema", "response_format"),
        (RequestFeatures.Stop, "stop", "stop"),
        (RequestFeatures.Seed, "seed", "seed"),
        (RequestFeatures.FrequencyPenalty, "frequency_penalty", "frequency_penalty"),
        (RequestFeatures.PresencePenalty, "presence_penalty", "presence_penalty"),
        (RequestFeatures.LogitBias, "logit_bias", "logit_bias"),
        (RequestFeatures.Logprobs, "logprobs", "logprobs"),
        (RequestFeatures.JsonWithTools, "response_format.with_tools", "response_format"),
        (RequestFeatures.ReasoningEffort, "reasoning_effort", "reasoning_effort"),
        (RequestFeatures.Store, "store", "store"),
        (RequestFeatures.ServiceTier, "service_tier", "service_tier"),
        (RequestFeatures.Prediction, "prediction", "prediction"),
        (RequestFeatures.WebSearchOptions, "web_search_options", "web_search_options"),
        (RequestFeatures.ReasoningWithSampling, "reasoning_effort.with_sampling", "reasoning_effort"),
        (RequestFeatures.ReasoningWithForcedTool, "reasoning_effort.with_forced_tool", "reasoning_effort"),
        (RequestFeatures.ReasoningWithToolHistory, "reasoning_effort.with_tool_history", "reasoning_effort"),
        (RequestFeatures.ReasoningWithPrefill, "reasoning_effort.with_prefill", "reasoning_effort"),
    ];

    /// <summary>Each single feature set in <paramref name="features"/>, in declaration order.</summary>
    public static IEnumerable<RequestFeatures> Each(RequestFeatures features)
    {
        foreach (var (feature, _, _) in Table)
        {
            if ((features & feature) != 0)
            {
                yield return feature;
            }
        }
    }

    /// <summary>The name in exclusion codes, e.g. <c>logprobs</c>, <c>response_format.json_schema</c>.</summary>
    public static string Name(RequestFeatures feature) => Row(feature).Name;

    /// <summary>The request member that asks for it, e.g. <c>response_format</c>.</summary>
    public static string Member(RequestFeatures feature) => Row(feature).Member;

    /// <summary>The exclusion code, <c>unsupported:&lt;name&gt;</c>.</summary>
    public static string ExclusionCode(RequestFeatures feature) => ExclusionPrefix + Row(feature).Name;

    /// <summary>The feature of a name (<c>logprobs</c>, <c>response_format.json_schema</c>), as configuration writes it; false when there is none.</summary>
    public static bool TryParse(string name, out RequestFeatures feature)
    {
        foreach (var row in Table)
        {
            if (string.Equals(row.Name, name, StringComparison.Ordinal))
            {
                feature = row.Feature;
                return true;
            }
        }

        feature = RequestFeatures.None;
        return false;
    }

    /// <summary>Every feature name, in declaration order (for error messages).</summary>
    public static IEnumerable<string> All => Table.Select(static row => row.Name);

    /// <summary>A hint in parentheses after the feature named <paramref name="name"/> (with its leading space), or empty.</summary>
    public static string Hint(string name) => name == "reasoning_effort.with_tool_history" ? $" ({ToolHistoryHint})" : string.Empty;

    /// <summary>The request member named by an exclusion code (<c>unsupported:response_format.json_schema</c> → <c>response_format</c>); null for other codes.</summary>
    public static string? MemberOfCode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (!code.StartsWith(ExclusionPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var name = code.AsSpan(ExclusionPrefix.Length);
        foreach (var row in Table)
        {
            if (name.SequenceEqual(row.Name))
            {
                return row.Member;
            }
        }

        return null;
    }

    private static (RequestFeatures Feature, string Name, string Member) Row(RequestFeatures feature)
    {
        foreach (var row in Table)
        {
            if (row.Feature == feature)
            {
                return row;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(feature), feature, "not a single feature");
    }
}
