using Crossroads.ModelRouting.Catalog;

namespace Crossroads.ModelRouting.Routing;

/// <summary>What the planner needs to know about a request: what was asked for, the constraints, and its size.</summary>
public sealed record RouteRequest
{
    /// <summary>A model id or alias, a route alias such as <c>auto</c>, or null (<c>auto</c>).</summary>
    public string? Model { get; init; }

    /// <summary>Models to fall back to, in order, after the first choice (OpenAI-compatible extension <c>models</c>).</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];

    /// <summary>Quality tier; null is <c>balanced</c> for policy routing and no floor for pinned models.</summary>
    public QualityTier? Quality { get; init; }

    /// <summary>Most a request may cost (estimated before the call).</summary>
    public decimal? MaxCostUsd { get; init; }

    /// <summary>Latency SLO of the whole answer.</summary>
    public double? LatencySloMs { get; init; }

    /// <summary>Overrides the alias's policy.</summary>
    public RoutingPolicy? Policy { get; init; }

    /// <summary>Prompt tokens (counted locally) without the images: <see cref="PromptTokens"/> adds them by each model's rule.</summary>
    public int InputTokens { get; init; }

    /// <summary>The request's images; each candidate counts them by its own rule (<see cref="ModelDescriptor.ImageTokens"/>).</summary>
    public IReadOnlyList<Providers.ImagePart> Images { get; init; } = [];

    /// <summary>The request's <c>max_tokens</c>; null assumes <see cref="RoutingSettings.DefaultMaxOutputTokens"/>.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>The request features it needs (<see cref="Providers.RequiredFeatures.Of"/>); a model whose upstream lacks one is excluded.</summary>
    public Providers.RequestFeatures Requires { get; init; }

    /// <summary>
    /// The model that signed the thinking blocks the request's tool loop sends back (<see cref="Providers.RequiredFeatures.LoopThinkingSigner"/>):
    /// a signature is valid for that model only, so another model that would think is excluded.
    /// </summary>
    public string? ThinkingSigner { get; init; }

    /// <summary>The request's <c>reasoning_effort</c>: a thinking model's budget for it adds to the output it is estimated for (<see cref="ModelDescriptor.ThinkingBudget(string?, int)"/>).</summary>
    public string? ReasoningEffort { get; init; }

    /// <summary>Prompt cluster the learner keys its statistics by (<see cref="PromptClusters"/>).</summary>
    public string Cluster { get; init; } = "default";

    /// <summary>
    /// The prompt tokens <paramref name="model"/> would bill: <see cref="InputTokens"/> plus the images by its rule
    /// (providers price images differently, so the estimate, the reservation and the context check are per model).
    /// </summary>
    public int PromptTokens(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Images.Count == 0 ? InputTokens : (int)Math.Min(int.MaxValue, InputTokens + model.ImageTokens.Tokens(Images));
    }
}
