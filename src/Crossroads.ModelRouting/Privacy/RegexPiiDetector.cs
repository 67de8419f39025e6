using System.Text.RegularExpressions;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// A detector made of a pattern that finds candidates and a check that accepts or rejects each (a checksum, a range):
/// the patterns stay simple and linear, the arithmetic stays in code where it can be tested on its own.
/// </summary>
public abstract class RegexPiiDetector : IPiiDetector
{
    /// <inheritdoc />
    public abstract PiiKind Kind { get; }

    /// <summary>Finds candidates.</summary>
    protected abstract Regex Pattern { get; }

    /// <inheritdoc />
    public void Find(string text, List<PiiMatch> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        foreach (var m in Pattern.EnumerateMatches(text))
        {
            if (Accept(text.AsSpan(m.Index, m.Length)))
            {
                matches.Add(new PiiMatch(m.Index, m.Length, Kind));
            }
        }
    }

    /// <summary>Whether a candidate is a real value (default: every candidate is).</summary>
    protected virtual bool Accept(ReadOnlySpan<char> candidate) => true;
}
