namespace Crossroads.Hosting;

/// <summary>API-key authentication, bound from the <c>Auth</c> section; key names are fixed because operators' scripts use them.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Auth";

    /// <summary>Keys given directly in configuration (<c>Auth:ApiKeys:0:Name</c>, <c>Auth:ApiKeys:0:Sha256</c>, ...).</summary>
    public IList<ApiKeyEntry> ApiKeys { get; } = [];

    /// <summary>Optional path to a JSON file holding an array of <c>{ "Name": ..., "Sha256": ... }</c>; merged with <see cref="ApiKeys"/>.</summary>
    public string? ApiKeysFile { get; set; }

    /// <summary>When true, reads need a key too; by default only endpoints marked as writes do.</summary>
    public bool RequireKeyForReads { get; set; }
}
