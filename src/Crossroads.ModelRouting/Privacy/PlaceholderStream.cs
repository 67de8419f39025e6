using System.Text;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// Restores placeholders in text that arrives in pieces, where one may be split across them (<c>[EMA</c> +
/// <c>IL_1]</c>). Each piece is emitted at once except the shortest tail that could still become one of the
/// request's placeholders (from an unmatched <c>[</c>, at most <see cref="PiiPlaceholders.Longest"/> − 1
/// characters); that tail waits for the next piece or <see cref="Flush"/>. The pieces emitted, joined, equal
/// <see cref="PiiPlaceholders.Restore(string)"/> over the whole text.
/// </summary>
public sealed class PlaceholderStream
{
    private readonly PiiPlaceholders _placeholders;
    private readonly StringBuilder _output = new();
    private readonly RestoredOffsets? _offsets;
    private string _held = string.Empty;

    /// <summary>A stream restoring <paramref name="placeholders"/>, noting its replacements in <paramref name="offsets"/> when given.</summary>
    public PlaceholderStream(PiiPlaceholders placeholders, RestoredOffsets? offsets = null)
    {
        _placeholders = placeholders ?? throw new ArgumentNullException(nameof(placeholders));
        _offsets = offsets;
    }

    /// <summary>Where the replacements are noted (null: nowhere).</summary>
    public RestoredOffsets? Offsets => _offsets;

    /// <summary>Whether a tail is held back.</summary>
    public bool Holding => _held.Length > 0;

    /// <summary>What can go out now of <paramref name="piece"/> (and of the tail held before it); may be empty.</summary>
    public string Push(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);

        // Most pieces hold no '[' and nothing is held: they pass as they are, without a copy.
        if (_held.Length == 0 && !piece.Contains('[', StringComparison.Ordinal))
        {
            _offsets?.Consume(piece);
            return piece;
        }

        var text = _held.Length == 0 ? piece : string.Concat(_held, piece);
        _output.Clear();
        int held = _placeholders.Restore(text, _output, final: false, _offsets);
        _offsets?.Consume(text.AsSpan(0, text.Length - held));
        _held = held == 0 ? string.Empty : text[^held..];
        return _output.Length == 0 ? string.Empty : _output.ToString();
    }

    /// <summary>The end of the text: the held tail, which can no longer become a placeholder, as it is.</summary>
    public string Flush()
    {
        var held = _held;
        _held = string.Empty;
        _offsets?.Consume(held);
        return held;
    }

    /// <summary>Forgets the held tail and the replacements noted (an attempt's output was retracted).</summary>
    public void Reset()
    {
        _held = string.Empty;
        _offsets?.Reset();
    }
}
