using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Execution;

/// <summary>Handed to the sink when the first content arrived: who serves, on which attempt, under which plan.</summary>
public sealed record RouteStart(string DecisionId, ModelDescriptor Model, int Attempt, RoutingPlan Plan);
