namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// Request members an upstream kind may or may not be able to serve. A request needs the features whose members it
/// carries (<see cref="RequiredFeatures.Of"/>); a provider declares the ones it serves (<see cref="IModelProvider.Capabilities"/>);
/// the planner excludes a model whose upstream lacks one, rather than let its adapter drop the member (which would
/// change the answer without a word) or refuse it after the plan was made.
/// </summary>
[Flags]
public enum RequestFeatures
{
    /// <summary>Nothing beyond messages and the basic sampling settings every kind maps.</summary>
    None = 0,

    /// <summary><c>tools</c> (function tools) and <c>tool_choice</c>.</summary>
    Tools = 1 << 0,

    /// <summary><c>parallel_tool_calls</c>.</summary>
    ParallelToolCalls = 1 << 1,

    /// <summary><c>response_format: {type: "json_object"}</c>.</summary>
    JsonObject = 1 << 2,

    /// <summary><c>response_format: {type: "json_schema", ...}</c>.</summary>
    JsonSchema = 1 << 3,

    /// <summary><c>stop</c>.</summary>
    Stop = 1 << 4,

    /// <summary><c>seed</c>.</summary>
    Seed = 1 << 5,

    /// <summary><c>frequency_penalty</c>.</summary>
    FrequencyPenalty = 1 << 6,

    /// <summary><c>presence_penalty</c>.</summary>
    PresencePenalty = 1 << 7,

    /// <summary><c>logit_bias</c>.</summary>
    LogitBias = 1 << 8,

    /// <summary><c>logprobs: true</c> (and <c>top_logprobs</c>): token log probabilities carried back.</summary>
    Logprobs = 1 << 9,

    /// <summary>
    /// A JSON <c>response_format</c> together with <c>tools</c>: Anthropic emulates the JSON formats with a forced tool
    /// (<see cref="AnthropicJsonMode"/>), which cannot coexist with the client's own tools.
    /// </summary>
    JsonWithTools = 1 << 10,

    /// <summary><c>reasoning_effort</c>: how much a reasoning model thinks before it answers.</summary>
    ReasoningEffort = 1 << 11,

    /// <summary><c>store: true</c>: the provider keeps the completion (for its evals and distillation); only OpenAI has such a store.</summary>
    Store = 1 << 12,

    /// <summary><c>service_tier</c> <c>flex</c>, <c>scale</c> or <c>priority</c>: a processing tier only OpenAI sells (<c>auto</c> and <c>default</c> map elsewhere).</summary>
    ServiceTier = 1 << 13,

    /// <summary><c>prediction</c>: predicted output (OpenAI's speculative decoding, billed as rejected tokens when wrong).</summary>
    Prediction = 1 << 14,

    /// <summary><c>web_search_options</c>: the model searches the web before it answers (OpenAI's search models).</summary>
    WebSearchOptions = 1 << 15,

    /// <summary>
    /// A thinking <c>reasoning_effort</c> (not <c>none</c>) with a <c>temperature</c> other than 1 or a <c>top_p</c>
    /// below 0.95: Anthropic's extended thinking refuses both (<see cref="AnthropicThinking"/>).
    /// </summary>
    ReasoningWithSampling = 1 << 16,

    /// <summary>
    /// A thinking <c>reasoning_effort</c> with a forced tool (<c>tool_choice</c> <c>required</c> or a named function,
    /// or a JSON <c>response_format</c>, which Anthropic emulates with one): extended thinking refuses forced tool use.
    /// </summary>
    ReasoningWithForcedTool = 1 << 17,

    /// <summary>
    /// A thinking <c>reasoning_effort</c> in a conversation whose last assistant message with tool calls carries no
    /// <c>thinking_blocks</c>: Anthropic wants that turn's signed blocks sent back with its <c>tool_use</c>, and only
    /// the client, which got them with the answer, can send them.
    /// </summary>
    ReasoningWithToolHistory = 1 << 18,

    /// <summary>
    /// A thinking <c>reasoning_effort</c> in a conversation that ends with an assistant message, which Anthropic takes
    /// as the start of its answer (a prefill): extended thinking refuses prefilled answers.
    /// </summary>
    ReasoningWithPrefill = 1 << 19,

    /// <summary>Every feature.</summary>
    All = Tools | ParallelToolCalls | JsonObject | JsonSchema | Stop | Seed | FrequencyPenalty | PresencePenalty | LogitBias | Logprobs | JsonWithTools | ReasoningEffort
        | Store | ServiceTier | Prediction | WebSearchOptions | ReasoningWithSampling | ReasoningWithForcedTool | ReasoningWithToolHistory | ReasoningWithPrefill,
}
