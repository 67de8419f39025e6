namespace Crossroads.Geocoding.Text;

/// <summary>
/// One token of the processing pipeline, as Addok's <c>Token</c> (addok/helpers/text.py): its value, the positions
/// it came from (a list, since synonyms split tokens: "zi" → "zone", "industrielle"), whether it was first/last in
/// the query, its raw text and its kind ("housenumber" once flagged).
/// </summary>
public sealed class Token
{
    internal Token(string value, IReadOnlyList<int> positions, bool isFirst, string raw, bool isHousenumber)
    {
        Value = value;
        Positions = positions;
        IsFirst = isFirst;
        Raw = raw;
        IsHousenumber = isHousenumber;
    }

    /// <summary>The processed text.</summary>
    public string Value { get; }

    /// <summary>Positions in the tokenised text (see Addok's <c>Token.position</c>).</summary>
    public IReadOnlyList<int> Positions { get; }

    /// <summary>Whether the token was the first of its text.</summary>
    public bool IsFirst { get; }

    /// <summary>The raw text the token came from ("6 bis" for a glued "6bis").</summary>
    public string Raw { get; }

    /// <summary>Whether the French housenumber flagging kept this token as the housenumber.</summary>
    public bool IsHousenumber { get; internal set; }

    internal Token With(string value, string? raw = null, int? appendPosition = null)
    {
        var positions = Positions;
        if (appendPosition is { } p)
        {
            var list = new List<int>(Positions.Count + 1);
            list.AddRange(Positions);
            list.Add(p);
            positions = list;
        }
        return new Token(value, positions, IsFirst, raw ?? Raw, IsHousenumber);
    }

    /// <inheritdoc/>
    public override string ToString() => Value;
}
