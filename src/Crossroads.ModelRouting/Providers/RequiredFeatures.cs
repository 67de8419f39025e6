namespace Crossroads.ModelRouting.Providers;

/// <summary>Which <see cref="RequestFeatures"/> a request needs: one per member it carries that not every upstream kind can serve.</summary>
public static class RequiredFeatures
{
    /// <summary>
    /// The features <paramref name="request"/> asks for. Members that ask for nothing need nothing: <c>logprobs:
    /// false</c>, penalties of 0 (OpenAI's default, which many SDKs send), <c>response_format: {type: "text"}</c> (the default), an empty <c>stop</c> or <c>logit_bias</c>,
    /// <c>tool_choice</c> without tools, <c>store: false</c>, <c>service_tier</c> <c>auto</c> or <c>default</c>,
    /// and <c>metadata</c> (tags of a stored completion: it changes no answer, so no upstream is excluded for it).
    /// </summary>
    public static RequestFeatures Of(ProviderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var needed = RequestFeatures.None;
        if (request.Tools is { Count: > 0 })
        {
            needed |= RequestFeatures.Tools;
        }

        if (request.ParallelToolCalls is not null)
        {
            needed |= RequestFeatures.ParallelToolCalls;
        }

        needed |= request.ResponseFormat?.Type switch
        {
            "json_object" => RequestFeatures.JsonObject,
            "json_schema" => RequestFeatures.JsonSchema,
            _ => RequestFeatures.None,
        };
        if ((needed & RequestFeatures.Tools) != 0 && (needed & (RequestFeatures.JsonObject | RequestFeatures.JsonSchema)) != 0)
        {
            needed |= RequestFeatures.JsonWithTools;
        }

        if (request.Stop is { Count: > 0 })
        {
            needed |= RequestFeatures.Stop;
        }

        if (request.Seed is not null)
        {
            needed |= RequestFeatures.Seed;
        }

        if (request.FrequencyPenalty is { } frequency && frequency != 0)
        {
            needed |= RequestFeatures.FrequencyPenalty;
        }

        if (request.PresencePenalty is { } presence && presence != 0)
        {
            needed |= RequestFeatures.PresencePenalty;
        }

        if (request.LogitBias is not null)
        {
            needed |= RequestFeatures.LogitBias;
        }

        if (request.Logprobs == true)
        {
            needed |= RequestFeatures.Logprobs;
        }

        // Every value asks for something: the default effort differs between models (and a non-reasoning model
        // refuses the member), so no value can be dropped as the default.
        if (request.ReasoningEffort is not null)
        {
            needed |= RequestFeatures.ReasoningEffort;
        }

        // What Anthropic's extended thinking cannot be combined with. Flagged for every upstream (OpenAI's serve them
        // all), so that a thinking Anthropic model is routed around such a request rather than refuse it upstream.
        if (request.ReasoningEffort is not (null or "none"))
        {
            if ((request.Temperature is { } temperature && temperature != 1) || (request.TopP is { } topP && topP < 0.95))
            {
                needed |= RequestFeatures.ReasoningWithSampling;
            }

            if ((request.ToolChoice?.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function && request.Tools is { Count: > 0 })
                || request.ResponseFormat?.Type is "json_object" or "json_schema")
            {
                needed |= RequestFeatures.ReasoningWithForcedTool;
            }

            if (LacksLoopThinking(request.Messages))
            {
                needed |= RequestFeatures.ReasoningWithToolHistory;
            }

            if (request.Messages.Count > 0 && request.Messages[^1].Role == "assistant")
            {
                needed |= RequestFeatures.ReasoningWithPrefill;
            }
        }

        // store: false asks for nothing (no other upstream keeps completions either); true asks for a stored
        // completion, which a client looks for later and only OpenAI keeps.
        if (request.Store == true)
        {
            needed |= RequestFeatures.Store;
        }

        // auto and default have an Anthropic counterpart (AnthropicProvider maps them); the others are OpenAI's.
        if (request.ServiceTier is "flex" or "scale" or "priority")
        {
            needed |= RequestFeatures.ServiceTier;
        }

        if (request.Prediction is not null)
        {
            needed |= RequestFeatures.Prediction;
        }

        if (request.WebSearchOptions is not null)
        {
            needed |= RequestFeatures.WebSearchOptions;
        }

        return needed;
    }

    /// <summary>
    /// The model that signed the thinking blocks of the last tool calls' assistant message (the ones a thinking
    /// continuation sends back; <see cref="ThinkingBlock.Model"/>), or null when they name none or there are none.
    /// </summary>
    public static string? LoopThinkingSigner(IReadOnlyList<ChatMessage> messages) =>
        LastToolCalls(messages)?.ThinkingBlocks?.FirstOrDefault(static b => b.Model is not null)?.Model;

    /// <summary>
    /// Whether a thinking request would lack the thinking blocks Anthropic requires: the assistant message of the
    /// last tool calls (the current tool-use loop's) must start with the signed blocks it was answered with (the API
    /// refuses a final assistant turn "preceding the lastmost set of tool_use and tool_result blocks" without them).
    /// Earlier turns' blocks may be left out (Anthropic drops them from the context anyway). A conversation without
    /// tool calls needs none.
    /// </summary>
    private static bool LacksLoopThinking(IReadOnlyList<ChatMessage> messages) =>
        LastToolCalls(messages) is { } loop && loop.ThinkingBlocks is not { Count: > 0 };

    /// <summary>The last message that made tool calls (the current tool-use loop's assistant turn), or null.</summary>
    private static ChatMessage? LastToolCalls(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        for (int i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].ToolCalls is { Count: > 0 })
            {
                return messages[i];
            }
        }

        return null;
    }
}
