namespace Crossroads.ServiceRoutes;

/// <summary>Narrows a listing or an audit query to a tenant, service and/or environment (each optional, exact match).</summary>
public sealed record RouteFilter(string? Tenant = null, string? Service = null, string? Env = null)
{
    /// <summary>No narrowing.</summary>
    public static RouteFilter None { get; } = new();
}
