using System.Text.RegularExpressions;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// Phone numbers: E.164 (<c>+33612345678</c>) or 2–5 digit groups separated by spaces, dots or dashes, optionally
/// with a <c>+country</c> prefix and a parenthesised area code (<c>(415) 555-0132</c>, <c>06 12 34 56 78</c>),
/// 9–15 digits in all. A heuristic: dotted quads that read as IPv4 addresses are left alone, and runs of digits
/// without separators or <c>+</c> are not phones (they are ids, amounts, or card numbers).
/// </summary>
public sealed partial class PhoneDetector : RegexPiiDetector
{
    /// <inheritdoc />
    public override PiiKind Kind => PiiKind.Phone;

    /// <inheritdoc />
    protected override Regex Pattern => Candidates();

    /// <inheritdoc />
    protected override bool Accept(ReadOnlySpan<char> candidate)
    {
        int digits = 0;
        foreach (char c in candidate)
        {
            digits += char.IsAsciiDigit(c) ? 1 : 0;
        }

        return digits is >= 9 and <= 15 && !LooksLikeIPv4(candidate);
    }

    private static bool LooksLikeIPv4(ReadOnlySpan<char> value) =>
        !value.Contains(' ') && !value.Contains('-') && value.Count('.') == 3 && System.Net.IPAddress.TryParse(value, out _);

    [GeneratedRegex(
        @"(?<![\w+.-])(?:\+[1-9]\d{7,14}|(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,5}(?:[ .-]\d{2,5}){1,5})(?![\w-]|\.\d)",
        RegexOptions.CultureInvariant)]
    private static partial Regex Candidates();
}
