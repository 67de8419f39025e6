using System.Text;

namespace Crossroads.Geocoding.Text;

/// <summary>
/// Lower-casing and ASCII folding, close to Python's <c>unidecode(s.lower())</c> as Addok's <c>normalize</c> and
/// <c>ascii</c> helpers use it (addok/helpers/text.py). Latin-1 Supplement and Latin Extended-A are mapped through a
/// table (accents dropped, ligatures expanded: œ → oe, ß → ss); common typographic punctuation is mapped to its ASCII
/// form; combining marks are dropped; any other non-ASCII character becomes a space (unidecode knows far more scripts:
/// see README "What differs from Addok").
/// </summary>
public static class AsciiFolding
{
    // U+00A0 .. U+017F, generated from Unicode NFD decompositions plus unidecode's spellings for letters without one.
    private static readonly string[] Latin =
    [
        " ", "!", "C/", "PS", "$", "Y=", "|", "SS", "", "(c)", "a", "<<", "!", "", "(r)",
        "-", "deg", "+-", "2", "3", "'", "u", "P", "*", ",", "1", "o", ">>", " 1/4", " 1/2", " 3/4",
        "?", "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",
        "I", "D", "N", "O", "O", "O", "O", "O", "x", "O", "U", "U", "U", "U", "Y", "Th",
        "ss", "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",
        "i", "d", "n", "o", "o", "o", "o", "o", "/", "o", "u", "u", "u", "u", "y", "th",
        "y", "A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D",
        "d", "D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G",
        "g", "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I",
        "i", "I", "i", "IJ", "ij", "J", "j", "K", "k", "q", "L", "l", "L", "l", "L", "l",
        "L", "l", "L", "l", "N", "n", "N", "n", "N", "n", "'n", "N", "n", "O", "o", "O",
        "o", "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S",
        "s", "S", "s", "T", "t", "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U",
        "u", "U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z",
        "s",
    ];

    /// <summary>
    /// Addok's <c>ascii()</c> in one pass: <see cref="Fold"/>, then every run of non-word characters becomes one
    /// space, without leading or trailing space (<c>alphanumerize</c>).
    /// </summary>
    public static string FoldAlphanumerized(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c < 0x80)
            {
                Append(builder, c is >= 'A' and <= 'Z' ? (char)(c + 32) : c, ref pendingSpace);
                continue;
            }
            foreach (var m in Map(char.ToLowerInvariant(c)))
            {
                Append(builder, m is >= 'A' and <= 'Z' ? (char)(m + 32) : m, ref pendingSpace);
            }
        }
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, char c, ref bool pendingSpace)
    {
        if (char.IsAsciiLetterOrDigit(c) || c == '_' || (c >= 0x80 && char.IsLetterOrDigit(c)))
        {
            if (pendingSpace && builder.Length > 0)
            {
                builder.Append(' ');
            }
            pendingSpace = false;
            builder.Append(c);
        }
        else
        {
            pendingSpace = true;
        }
    }

    private static string Map(char lower)
    {
        if (lower >= 0xA0 && lower <= 0x17F)
        {
            return Latin[lower - 0xA0];
        }
        return lower switch
        {
            '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u2032' => "'",
            '\u201C' or '\u201D' or '\u201E' or '\u2033' => "\"",
            '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2015' or '\u2212' => "-",
            '\u2026' => "...",
            '\u2002' or '\u2003' or '\u2009' or '\u202F' => " ",
            _ when lower >= 0x300 && lower <= 0x36F => "",
            _ => " ",
        };
    }

    /// <summary>Lower-cases <paramref name="text"/> and folds it to ASCII.</summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ascii = true;
        foreach (var c in text)
        {
            if (c >= 0x80 || (c >= 'A' && c <= 'Z'))
            {
                ascii = false;
                break;
            }
        }
        if (ascii)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c < 0x80)
            {
                builder.Append(c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
                continue;
            }
            var mapped = Map(char.ToLowerInvariant(c));
            foreach (var m in mapped)
            {
                builder.Append(m is >= 'A' and <= 'Z' ? (char)(m + 32) : m);
            }
        }
        return builder.ToString();
    }
}
