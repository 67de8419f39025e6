using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Execution;

/// <summary>
/// Handed to the sink when the first content arrived: who serves, on which attempt, under which plan, and the
/// <c>service_tier</c> the upstream reported before that content (OpenAI sends it with every chunk; null when none did).
/// </summary>
public sealed record RouteStart(string DecisionId, ModelDescriptor Model, int Attempt, RoutingPlan Plan, string? ServiceTier = null);
