namespace Crossroads.ModelRouting.Privacy;

/// <summary>Names of <see cref="PiiKind"/>: the placeholder label (<c>EMAIL</c> in <c>[EMAIL_1]</c>) and the name in error messages.</summary>
public static class PiiKinds
{
    /// <summary>The placeholder label.</summary>
    public static string Label(PiiKind kind) => kind switch
    {
        PiiKind.Secret => "SECRET",
        PiiKind.Email => "EMAIL",
        PiiKind.Iban => "IBAN",
        PiiKind.CardNumber => "CARD",
        PiiKind.Ssn => "SSN",
        PiiKind.IpAddress => "IP",
        _ => "PHONE",
    };

    /// <summary>The lower-case name used in messages (<c>email</c>, <c>card_number</c>, …).</summary>
    public static string Name(PiiKind kind) => kind switch
    {
        PiiKind.Secret => "api_secret",
        PiiKind.Email => "email",
        PiiKind.Iban => "iban",
        PiiKind.CardNumber => "card_number",
        PiiKind.Ssn => "ssn",
        PiiKind.IpAddress => "ip_address",
        _ => "phone",
    };

    /// <summary>
    /// The kinds a tenant's rule covers unless it lists its own: all but <see cref="PiiKind.IpAddress"/>, which is
    /// opt-in because addresses are what many prompts to a network's tools are about (and version numbers such as
    /// <c>1.2.3.4</c> read as addresses).
    /// </summary>
    public static IReadOnlyList<PiiKind> Defaults { get; } = [PiiKind.Secret, PiiKind.Email, PiiKind.Iban, PiiKind.CardNumber, PiiKind.Ssn, PiiKind.Phone];

    /// <summary>Every kind, by <see cref="Name"/>.</summary>
    public static IReadOnlyList<PiiKind> All { get; } = Enum.GetValues<PiiKind>();

    /// <summary>The kind whose <see cref="Name"/> is <paramref name="name"/> (exact, lower case).</summary>
    public static bool TryParse(string? name, out PiiKind kind)
    {
        foreach (var k in All)
        {
            if (string.Equals(Name(k), name, StringComparison.Ordinal))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
