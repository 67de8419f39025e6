namespace Crossroads.ModelRouting.Catalog;

/// <summary>
/// One routable model: where it is served (<see cref="Upstream"/> and the name the upstream knows it by), what it
/// costs (USD per million input, cached input, cache-write and output tokens), and the priors the router starts
/// from before it has observed anything (<see cref="Quality"/> in [0, 1], <see cref="LatencyP95Ms"/>).
/// </summary>
public sealed record ModelDescriptor
{
    /// <summary>The id clients name in <c>model</c> and that answers carry.</summary>
    public required string Id { get; init; }

    /// <summary>Id of the upstream (provider adapter) that serves it.</summary>
    public required string Upstream { get; init; }

    /// <summary>The model name sent upstream; defaults to <see cref="Id"/>.</summary>
    public string? UpstreamModel { get; init; }

    /// <summary>Other names clients may use for it.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>USD per 1,000,000 input (prompt) tokens.</summary>
    public decimal InputPricePerMTok { get; init; }

    /// <summary>USD per 1,000,000 output (completion) tokens.</summary>
    public decimal OutputPricePerMTok { get; init; }

    /// <summary>USD per 1,000,000 prompt tokens read from the upstream's cache; null: <see cref="InputPricePerMTok"/>.</summary>
    public decimal? CachedInputPricePerMTok { get; init; }

    /// <summary>USD per 1,000,000 prompt tokens written to the upstream's cache; null: <see cref="InputPricePerMTok"/>.</summary>
    public decimal? CacheWritePricePerMTok { get; init; }

    /// <summary>Prior quality score in [0, 1]; compared with the quality tier thresholds.</summary>
    public double Quality { get; init; } = 0.5;

    /// <summary>Prior 95th percentile latency of a whole answer, used until enough latencies were observed.</summary>
    public double LatencyP95Ms { get; init; } = 2000;

    /// <summary>Tokens the model takes in and puts out together.</summary>
    public int ContextWindow { get; init; } = 8192;

    /// <summary>Whether policies may choose it.</summary>
    public ModelStatus Status { get; init; } = ModelStatus.Active;

    /// <summary>Who owns it, as <c>GET /v1/models</c> says (<c>owned_by</c>).</summary>
    public string OwnedBy { get; init; } = "crossroads";

    /// <summary>The request features its upstream's kind serves (<see cref="Providers.IModelProvider.Capabilities"/>); a request needing another excludes it.</summary>
    public Providers.RequestFeatures Capabilities { get; init; } = Providers.RequestFeatures.All;

    /// <summary>
    /// Anthropic models that think: the <c>budget_tokens</c> of each thinking <c>reasoning_effort</c>
    /// (<see cref="Providers.AnthropicThinking"/>); null for models that do not (a request with an effort is routed around them).
    /// </summary>
    public IReadOnlyDictionary<string, int>? ThinkingBudgets { get; init; }

    /// <summary>Anthropic models: whether requests carry prompt-cache breakpoints (<c>cache_control</c>) on their tools and system text.</summary>
    public bool PromptCache { get; init; }

    /// <summary>The TTL of its prompt-cache breakpoints (<see cref="Providers.PromptCacheTtl"/>).</summary>
    public string PromptCacheTtl { get; init; } = Providers.PromptCacheTtl.Default;

    /// <summary>
    /// The most output tokens the model produces in one answer, thinking included (its <c>max_tokens</c> limit); null:
    /// not known, nothing checked (the upstream refuses what it cannot produce).
    /// </summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>The thinking budget this model spends on a request with <paramref name="effort"/>; 0 when it does not think for it.</summary>
    public int ThinkingBudget(string? effort) => Providers.AnthropicThinking.Budget(ThinkingBudgets, effort);

    /// <summary>
    /// <see cref="ThinkingBudget(string?)"/> fitted under <see cref="MaxOutputTokens"/> beside an answer of
    /// <paramref name="answerTokens"/>: the API wants <c>max_tokens</c> (answer + budget) within the model's limit, so a
    /// budget that would pass it is cut to what is left, down to Anthropic's minimum; below that it stays whole, and the
    /// planner excludes the model for its output limit.
    /// </summary>
    public int ThinkingBudget(string? effort, int answerTokens)
    {
        int budget = ThinkingBudget(effort);
        if (budget == 0 || MaxOutputTokens is not { } limit || (long)answerTokens + budget <= limit)
        {
            return budget;
        }

        long left = (long)limit - answerTokens;
        return left >= Providers.AnthropicThinking.MinimumBudget ? (int)left : budget;
    }

    /// <summary>How the model bills images (GPT-4o's tile rule unless configured): what the estimates reserve for them.</summary>
    public Tokens.ImageTokenRule ImageTokens { get; init; } = Tokens.ImageTokenRule.OpenAi;

    /// <summary>The name sent upstream.</summary>
    public string UpstreamModelName => UpstreamModel ?? Id;

    /// <summary>
    /// Estimated cost of <paramref name="inputTokens"/> in and <paramref name="outputTokens"/> out, before the call:
    /// what the planner compares and the budget reserves. Which prompt tokens the upstream will find in its cache, or
    /// write to it, is not known yet, so every prompt token is priced at the dearest of the three prompt prices: a
    /// cache write may cost more than a plain input token (Anthropic's do), and a reservation at the plain price
    /// could then fall short of the bill (<see cref="CostUsd(Providers.TokenUsage)"/>).
    /// </summary>
    public decimal CostUsd(long inputTokens, long outputTokens) =>
        ((inputTokens * MaxPromptPricePerMTok) + (outputTokens * OutputPricePerMTok)) / 1_000_000m;

    /// <summary>
    /// What an attempt with <paramref name="usage"/> costs: uncached prompt tokens at the input price, cache reads at
    /// <see cref="CachedInputPricePerMTok"/>, cache writes at <see cref="CacheWritePricePerMTok"/>, completion tokens
    /// (reasoning included: they are part of them) at the output price. The one place an attempt's bill is computed.
    /// </summary>
    public decimal CostUsd(Providers.TokenUsage usage)
    {
        // The cached and written tokens are parts of the prompt: an upstream that garbles them (more than the prompt,
        // or below 0) is billed no more prompt tokens than it counted, so the bill stays within what the estimate of
        // that prompt reserved, and no count bills a negative amount.
        long prompt = Math.Max(0, usage.PromptTokens);
        long read = Math.Clamp(usage.CachedTokens, 0, prompt);
        long written = Math.Clamp(usage.CacheWriteTokens, 0, prompt - read);
        return (((prompt - read - written) * InputPricePerMTok)
            + (read * (CachedInputPricePerMTok ?? InputPricePerMTok))
            + (written * (CacheWritePricePerMTok ?? InputPricePerMTok))
            + (Math.Max(0, usage.CompletionTokens) * OutputPricePerMTok)) / 1_000_000m;
    }

    /// <summary>The dearest price a prompt token can be billed at.</summary>
    private decimal MaxPromptPricePerMTok =>
        Math.Max(InputPricePerMTok, Math.Max(CachedInputPricePerMTok ?? InputPricePerMTok, CacheWritePricePerMTok ?? InputPricePerMTok));
}
