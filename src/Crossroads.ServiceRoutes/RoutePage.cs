namespace Crossroads.ServiceRoutes;

/// <summary>One page of a route listing, ordered by (tenant, service, env, version), ordinal.</summary>
/// <param name="Routes">The routes of this page.</param>
/// <param name="NextCursor">An opaque cursor for the next page, or null when this is the last one.</param>
public sealed record RoutePage(IReadOnlyList<ServiceRoute> Routes, string? NextCursor);
