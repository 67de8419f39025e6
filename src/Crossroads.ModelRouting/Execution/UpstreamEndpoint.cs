using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Execution;

/// <summary>An upstream as the engine calls it: the adapter and its deadlines.</summary>
public sealed record UpstreamEndpoint(IModelProvider Provider, TimeSpan FirstTokenTimeout, TimeSpan Timeout);
