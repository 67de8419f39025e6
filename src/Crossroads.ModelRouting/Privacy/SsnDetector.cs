using System.Text.RegularExpressions;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// US social security numbers, strictly <c>ddd-dd-dddd</c> (undashed nine digits are too common to flag), not part
/// of a longer digit/dash run, and only numbers the SSA can issue: area not 000, 666 or 9xx, group not 00, serial
/// not 0000 (these never name a person, so flagging them would only add false positives).
/// </summary>
public sealed partial class SsnDetector : RegexPiiDetector
{
    /// <inheritdoc />
    public override PiiKind Kind => PiiKind.Ssn;

    /// <inheritdoc />
    protected override Regex Pattern => Candidates();

    /// <inheritdoc />
    protected override bool Accept(ReadOnlySpan<char> candidate) => IsIssuable(candidate);

    /// <summary>Whether <paramref name="ssn"/> (<c>ddd-dd-dddd</c>) is a number the SSA can issue.</summary>
    public static bool IsIssuable(ReadOnlySpan<char> ssn) =>
        ssn.Length == 11
        && ssn[..3] is not "000" and not "666"
        && ssn[0] != '9'
        && ssn.Slice(4, 2) is not "00"
        && ssn.Slice(7, 4) is not "0000";

    [GeneratedRegex(@"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])", RegexOptions.CultureInvariant)]
    private static partial Regex Candidates();
}
