namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// How OpenAI's <c>reasoning_effort</c> maps onto Anthropic's extended thinking (<c>thinking: {type: "enabled",
/// budget_tokens}</c>) for models configured to think: each effort is a token budget for the thinking that comes
/// before the answer. <c>none</c> is no thinking (the request is sent as without an effort). The budget is added to
/// the request's <c>max_tokens</c> (the API wants <c>max_tokens</c> above <c>budget_tokens</c>, and the client's
/// <c>max_tokens</c> is what it wants for the answer), and the planner estimates and reserves the larger output.
/// </summary>
public static class AnthropicThinking
{
    /// <summary>The smallest <c>budget_tokens</c> the Messages API accepts.</summary>
    public const int MinimumBudget = 1024;

    /// <summary>The efforts that think (every one of OpenAI's but <c>none</c>), from least to most.</summary>
    public static readonly string[] Efforts = ["minimal", "low", "medium", "high", "xhigh"];

    /// <summary>
    /// The budgets a model gets unless configured otherwise: <c>minimal</c> and <c>low</c> the API's minimum, then
    /// about four times more per step (Anthropic suggests starting at the minimum and raising it as the task needs).
    /// </summary>
    public static IReadOnlyDictionary<string, int> DefaultBudgets { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["minimal"] = MinimumBudget,
        ["low"] = MinimumBudget,
        ["medium"] = 4096,
        ["high"] = 16384,
        ["xhigh"] = 32768,
    };

    /// <summary>The thinking budget of <paramref name="effort"/> in <paramref name="budgets"/>; 0 (no thinking) for none, null or a model that does not think.</summary>
    public static int Budget(IReadOnlyDictionary<string, int>? budgets, string? effort) =>
        budgets is not null && effort is not null && budgets.TryGetValue(effort, out var budget) ? budget : 0;
}
