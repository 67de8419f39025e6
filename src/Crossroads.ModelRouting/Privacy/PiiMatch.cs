namespace Crossroads.ModelRouting.Privacy;

/// <summary>A detected value: where it is in the text and what it is.</summary>
public readonly record struct PiiMatch(int Start, int Length, PiiKind Kind)
{
    /// <summary>One past the last character.</summary>
    public int End => Start + Length;
}
