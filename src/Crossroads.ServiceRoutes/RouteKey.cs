namespace Crossroads.ServiceRoutes;

/// <summary>
/// Identifies a service route: which URL serves <see cref="Version"/> of <see cref="Service"/> for
/// <see cref="Tenant"/> in <see cref="Env"/>. Names are case-sensitive and compared ordinally. Constructing a key
/// does not validate it (a record struct has a default value anyway); <see cref="RouteValidation.Validate(RouteKey)"/>
/// does, and the store refuses invalid keys.
/// </summary>
public readonly record struct RouteKey(string Tenant, string Service, string Env, string Version)
{
    /// <summary><c>tenant/service/env/version</c>: unambiguous, since names cannot contain a slash.</summary>
    public override string ToString() => $"{Tenant}/{Service}/{Env}/{Version}";
}
