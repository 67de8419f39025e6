namespace Crossroads.ServiceRoutes;

/// <summary>Identifies a weighted split: how traffic for <see cref="Service"/> of <see cref="Tenant"/> in <see cref="Env"/> is shared among versions.</summary>
public readonly record struct SplitKey(string Tenant, string Service, string Env)
{
    /// <summary>The route of <paramref name="version"/> under this split.</summary>
    public RouteKey Route(string version) => new(Tenant, Service, Env, version);

    /// <summary><c>tenant/service/env</c>.</summary>
    public override string ToString() => $"{Tenant}/{Service}/{Env}";
}
