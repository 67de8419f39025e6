namespace Crossroads.Hosting.Auth;

/// <summary>The outcome of checking one request: allowed (with the key's name, if any), 401 or 403 with a reason.</summary>
internal readonly record struct AuthDecision(int StatusCode, string? KeyName, string? Detail)
{
    public bool IsAllowed => StatusCode == 0;

    public static AuthDecision Allow(string? keyName) => new(0, keyName, null);

    public static AuthDecision Unauthorized(string detail) => new(401, null, detail);

    public static AuthDecision Forbidden(string detail) => new(403, null, detail);
}
