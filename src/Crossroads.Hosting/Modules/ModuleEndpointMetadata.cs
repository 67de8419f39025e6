namespace Crossroads.Hosting;

/// <summary>Marks the endpoints of one module (set on the group the chassis hands it); the rate limiter picks the module's budgets by it.</summary>
/// <param name="Identity">The module.</param>
/// <param name="Index">Position of the module among the enabled modules, so per-request lookups index an array.</param>
/// <param name="ShapeProblem">The module's <see cref="CrossroadsModule.ShapeProblem"/>, or null when it adds nothing.</param>
public sealed record ModuleEndpointMetadata(ModuleIdentity Identity, int Index, Action<Microsoft.AspNetCore.Mvc.ProblemDetails>? ShapeProblem = null);
