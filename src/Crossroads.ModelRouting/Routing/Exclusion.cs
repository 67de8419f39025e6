namespace Crossroads.ModelRouting.Routing;

/// <summary>Why a candidate was not eligible: a stable code (<c>max_cost</c>, <c>context_window</c>, ...) and a sentence with the numbers.</summary>
public sealed record Exclusion(string Code, string Detail);
