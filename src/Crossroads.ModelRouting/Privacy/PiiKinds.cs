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
        _ => "phone",
    };
}
