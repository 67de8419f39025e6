using System.ComponentModel;

namespace Crossroads.Hosting;

/// <summary>One configured API key: a name for audit logs and the SHA-256 of the secret (never the secret itself).</summary>
public sealed class ApiKeyEntry
{
    /// <summary>Who the key belongs to; appears in the <c>ApiKey</c> log scope and as the request's identity name.</summary>
    [Description("Name of an API key; shown in logs (scope ApiKey) and audit.")]
    public string Name { get; set; } = "";

    /// <summary>Hex SHA-256 of the key's UTF-8 bytes (upper or lower case, 64 characters).</summary>
    [Description("Hex SHA-256 of the key (e.g. printf %s KEY | sha256sum).")]
    public string Sha256 { get; set; } = "";
}
