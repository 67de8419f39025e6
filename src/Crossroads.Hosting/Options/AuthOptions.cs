using System.ComponentModel;

namespace Crossroads.Hosting;

/// <summary>API-key authentication, bound from the <c>Auth</c> section; key names are fixed because operators' scripts use them.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Auth";

    /// <summary>Keys given directly in configuration (<c>Auth:ApiKeys:0:Name</c>, <c>Auth:ApiKeys:0:Sha256</c>, ...).</summary>
    [Description("API keys: a name and the hex SHA-256 of the key. With no keys at all, writes are loopback-only.")]
    public IList<ApiKeyEntry> ApiKeys { get; } = [];

    /// <summary>Optional path to a JSON file holding an array of <c>{ "Name": ..., "Sha256": ... }</c>; merged with <see cref="ApiKeys"/>.</summary>
    [Description("Path to a JSON file with an array of {\"Name\",\"Sha256\"} objects, merged with Auth:ApiKeys.")]
    public string? ApiKeysFile { get; set; }

    /// <summary>When true, reads need a key too; by default only endpoints marked as writes do.</summary>
    [Description("Require an API key for reads too (needs at least one key).")]
    public bool RequireKeyForReads { get; set; }
}
