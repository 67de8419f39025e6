namespace Crossroads.ModelRouting.Routing;

/// <summary>
/// A name clients put in <c>model</c> that routes by policy instead of naming one model: <c>auto</c> (all active
/// models, the default policy) unless configured otherwise.
/// </summary>
public sealed record RouteAlias(string Name, RoutingPolicy? Policy, IReadOnlyList<string> Candidates, IReadOnlyList<string> Fallbacks);
