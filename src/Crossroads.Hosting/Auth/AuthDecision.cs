namespace Crossroads.Hosting.Auth;

/// <summary>The outcome of checking one request: allowed (with the key's name, if any), or 401/403 with a reason and a detail.</summary>
internal readonly record struct AuthDecision(int StatusCode, string? KeyName, string? Detail, AuthFailureReason Reason)
{
    public bool IsAllowed => StatusCode == 0;

    public static AuthDecision Allow(string? keyName) => new(0, keyName, null, AuthFailureReason.None);

    public static AuthDecision MissingKey(string detail) => new(401, null, detail, AuthFailureReason.MissingKey);

    public static AuthDecision WrongKey(string detail) => new(403, null, detail, AuthFailureReason.WrongKey);

    public static AuthDecision NotLoopback(string detail) => new(403, null, detail, AuthFailureReason.NotLoopback);
}
