using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>The messages with every detected value replaced by its placeholder, and how many distinct values of each kind were found.</summary>
public sealed record PiiRedaction(IReadOnlyList<ChatMessage> Messages, IReadOnlyDictionary<PiiKind, int> Found)
{
    /// <summary>Whether anything was found.</summary>
    public bool Any => Found.Count > 0;

    /// <summary>The kinds found, by name (<c>email</c>, <c>card_number</c>, …), in a fixed order: for messages, never the values.</summary>
    public IReadOnlyList<string> KindNames => [.. Found.Keys.Order().Select(PiiKinds.Name)];

    /// <summary>The placeholders produced and their originals, to restore them in the answer (for this request only).</summary>
    public PiiPlaceholders Placeholders { get; init; } = PiiPlaceholders.Empty;
}
