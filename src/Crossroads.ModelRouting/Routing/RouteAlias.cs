namespace Crossroads.ModelRouting.Routing;

/// <summary>
/// A name clients put in <c>model</c> that routes by policy instead of naming one model: <c>auto</c> (all active
/// models, the default policy) unless configured otherwise. <see cref="Weights"/> (model id to weight) feed the
/// <c>weighted</c> policy; a candidate it does not name weighs 1.
/// </summary>
public sealed record RouteAlias(string Name, RoutingPolicy? Policy, IReadOnlyList<string> Candidates, IReadOnlyList<string> Fallbacks)
{
    /// <summary>Weights of the <c>weighted</c> policy by model id (0: only when every positive weight is out).</summary>
    public IReadOnlyDictionary<string, double> Weights { get; init; } = new Dictionary<string, double>();
}
