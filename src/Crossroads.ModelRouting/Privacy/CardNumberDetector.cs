using System.Text.RegularExpressions;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// Payment card numbers: 13–19 digits, optionally grouped by spaces or dashes, whose Luhn check digit is right (a
/// random digit run passes one time in ten, so order numbers and timestamps mostly stay).
/// </summary>
public sealed partial class CardNumberDetector : RegexPiiDetector
{
    /// <inheritdoc />
    public override PiiKind Kind => PiiKind.CardNumber;

    /// <inheritdoc />
    protected override Regex Pattern => Candidates();

    /// <inheritdoc />
    protected override bool Accept(ReadOnlySpan<char> candidate)
    {
        Span<char> digits = stackalloc char[19];
        int n = 0;
        foreach (char c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                if (n == digits.Length)
                {
                    return false;
                }

                digits[n++] = c;
            }
        }

        return n >= 13 && PassesLuhn(digits[..n]);
    }

    /// <summary>The Luhn (mod 10) check over ASCII digits.</summary>
    public static bool PassesLuhn(ReadOnlySpan<char> digits)
    {
        int sum = 0;
        bool twice = false;
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            int d = digits[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            if (twice)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            twice = !twice;
        }

        return digits.Length > 0 && sum % 10 == 0;
    }

    [GeneratedRegex(@"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])", RegexOptions.CultureInvariant)]
    private static partial Regex Candidates();
}
