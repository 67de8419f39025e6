using System.Text.RegularExpressions;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// IBANs: country code, two check digits, 11–30 alphanumerics (optionally in groups of four separated by spaces),
/// 15–34 characters in all, accepted only when the ISO 13616 mod-97 check gives 1.
/// </summary>
public sealed partial class IbanDetector : RegexPiiDetector
{
    /// <inheritdoc />
    public override PiiKind Kind => PiiKind.Iban;

    /// <inheritdoc />
    protected override Regex Pattern => Candidates();

    /// <inheritdoc />
    protected override bool Accept(ReadOnlySpan<char> candidate) => HasValidChecksum(candidate);

    /// <summary>The ISO 13616 check: letters and digits (spaces ignored, case-insensitive), moved and folded mod 97, must give 1.</summary>
    public static bool HasValidChecksum(ReadOnlySpan<char> iban)
    {
        Span<char> compact = stackalloc char[34];
        int n = 0;
        foreach (char c in iban)
        {
            if (c == ' ')
            {
                continue;
            }

            if (n == compact.Length || !char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }

            compact[n++] = char.ToUpperInvariant(c);
        }

        if (n < 15 || !char.IsAsciiLetter(compact[0]) || !char.IsAsciiLetter(compact[1]) || !char.IsAsciiDigit(compact[2]) || !char.IsAsciiDigit(compact[3]))
        {
            return false;
        }

        // The first four characters go to the end; letters count as 10..35; the remainder is folded digit by digit.
        int remainder = 0;
        for (int i = 0; i < n; i++)
        {
            char c = compact[(i + 4) % n];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
        }

        return remainder == 1;
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?(?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex Candidates();
}
