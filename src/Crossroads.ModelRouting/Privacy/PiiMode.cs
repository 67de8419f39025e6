namespace Crossroads.ModelRouting.Privacy;

/// <summary>What a tenant's requests do with detected personal data.</summary>
public enum PiiMode
{
    /// <summary>Nothing is scanned.</summary>
    Off,

    /// <summary>Each value is replaced by a typed numbered placeholder before the prompt goes upstream.</summary>
    Redact,

    /// <summary>A request containing any is refused (400 <c>pii_detected</c>).</summary>
    Block,
}
