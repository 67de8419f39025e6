using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Execution;

/// <summary>One request to route: its routing constraints, what goes upstream, who pays, and names for the record.</summary>
public sealed record RouteCall
{
    /// <summary>The decision id to use.</summary>
    public required string DecisionId { get; init; }

    /// <summary>Routing constraints.</summary>
    public required RouteRequest Route { get; init; }

    /// <summary>What goes upstream.</summary>
    public required ProviderRequest Provider { get; init; }

    /// <summary>The tenant billed.</summary>
    public required string Tenant { get; init; }

    /// <summary>The API key the request came with (its name), when known: its budget binds too.</summary>
    public string? Key { get; init; }

    /// <summary><c>chat.completions</c> or <c>ask</c>.</summary>
    public required string Endpoint { get; init; }

    /// <summary>Hash of the prompt (the record never holds its text).</summary>
    public required string PromptHash { get; init; }
}
