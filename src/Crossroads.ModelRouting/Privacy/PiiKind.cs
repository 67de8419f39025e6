namespace Crossroads.ModelRouting.Privacy;

/// <summary>Kinds of personal or secret data the detectors find; the placeholder label is <see cref="PiiKinds.Label"/>.</summary>
public enum PiiKind
{
    /// <summary>An API secret or private key (<c>sk-…</c>, <c>AKIA…</c>, <c>ghp_…</c>, …).</summary>
    Secret,

    /// <summary>An e-mail address.</summary>
    Email,

    /// <summary>An IBAN whose mod-97 check passes.</summary>
    Iban,

    /// <summary>A payment card number whose Luhn check passes.</summary>
    CardNumber,

    /// <summary>A US social security number written <c>ddd-dd-dddd</c>.</summary>
    Ssn,

    /// <summary>A phone number.</summary>
    Phone,

    /// <summary>An IPv4 or IPv6 address (personal data under the GDPR; off unless a tenant lists it, see <see cref="PiiKinds.Defaults"/>).</summary>
    IpAddress,
}
