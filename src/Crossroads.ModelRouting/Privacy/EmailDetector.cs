using System.Text.RegularExpressions;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>E-mail addresses: local part, <c>@</c>, a dotted domain ending in a 2–24 letter label.</summary>
public sealed partial class EmailDetector : RegexPiiDetector
{
    /// <inheritdoc />
    public override PiiKind Kind => PiiKind.Email;

    /// <inheritdoc />
    protected override Regex Pattern => Candidates();

    // Bounded repetitions keep matching linear on hostile input.
    [GeneratedRegex(@"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])", RegexOptions.CultureInvariant)]
    private static partial Regex Candidates();
}
