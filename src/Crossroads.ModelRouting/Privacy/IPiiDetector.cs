namespace Crossroads.ModelRouting.Privacy;

/// <summary>Finds one kind of personal or secret data in a text.</summary>
public interface IPiiDetector
{
    /// <summary>What it finds.</summary>
    PiiKind Kind { get; }

    /// <summary>Adds every value found in <paramref name="text"/> to <paramref name="matches"/>.</summary>
    void Find(string text, List<PiiMatch> matches);
}
