using System.Text;
using System.Text.RegularExpressions;

namespace Crossroads.Geocoding.Text;

/// <summary>
/// Addok's processing pipeline with the BAN configuration (BaseAdresseNationale/build-addok-bundle config/addok.conf):
/// query processors <c>check_query_length</c>, <c>addok_france.extract_address</c>, <c>addok_france.clean_query</c>,
/// <c>addok_france.remove_leading_zeros</c>, then the token processors <c>tokenize</c>, <c>normalize</c>,
/// <c>addok_france.glue_ordinal</c>, <c>addok_france.fold_ordinal</c>, <c>addok_france.flag_housenumber</c>,
/// <c>synonymize</c>, <c>addok_fr.phonemicize</c>. Documents go through the token processors only; queries are first
/// folded with <see cref="Ascii"/> (Addok's <c>ascii()</c>), then through both.
/// </summary>
public sealed class TextPipeline
{
    /// <summary>Addok's QUERY_MAX_LENGTH.</summary>
    public const int QueryMaxLength = 200;

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    private const string TypesRegex =
        "aer(odrome)?|all([ée]es?)?|anc(ien(ne)?)?|av(enue)?|b(oulevar|l?v?)?d|b(ou)?cle|ber(ges?)?|bois|c(en)?tre|" +
        "c(ou)?rs?|c[ôo]te|carr?(efour)?|ch(am)?p|chauss[ée]e|che?(m(in)?)?|cit[ée]|clos|desserte|devi(ation)?|dig(ue)?|" +
        "dom(aine)?|embr(anchement)?|espl?(anade)?|eta?ng|éta?ng|f(aubour|b|bour)?g|giratoire|gr(ande?)?|gr(e|es|s)?|" +
        "ham(eau)?|imp(asse)?|j[ée]?t[ée]e|jard(in)?|l[ôo]t(issement)?|mont|mont[ée]e|p(arvis|rvs?|vr)?|p(asserel|l)?le|" +
        "p(lace)?tte|p(or)?te|parc|pas(se)?|pass(age)?|pl(ace)?|porte|pr[ée]|pro?m(enade)?|q(uart(ier)?|ua|rt(ier)?)|" +
        "qu?(ai)?|r(ou)?te|r(uel|l)?le|r(ue)?|r[ée]s(idence)?|rd?pt|rocade|rond[- ]point|sent(e|ier)|squ?(are)?|" +
        "t(erra)?sse|taillis|trav(erse)?|tunn?(el)?|v(il|l)?la|via|viad(uc)?|voie|[îi]lot";

    private const string OrdinalRegex = "bis|ter|quater|quinquies|sexies|[a-z]";

    private static readonly Regex ExtractAddress = new(
        "(\\b\\d{1,4}( *(" + OrdinalRegex + "))?,? +(" + TypesRegex + ") .*(\\d{5})?).*", Options);

    private static readonly Regex OrdinalAtStart = new("^\\b(" + OrdinalRegex + ")\\b", Options);
    private static readonly Regex TypeAtStart = new("^\\b(" + TypesRegex + ")\\b", Options);
    private static readonly Regex FoldPattern = new("^(\\d{1,4})(" + OrdinalRegex + ")$", Options);
    private static readonly Regex NumberAtStart = new("^\\b\\d{1,4}[a-z]?\\b", Options);
    private static readonly Regex LeadingZeros = new("\\b0+(\\d{1,3})\\b", Options);
    private static readonly Regex WordPattern = new("\\w+", RegexOptions.CultureInvariant);

    private static readonly (Regex Pattern, string Replacement)[] CleanPatterns =
    [
        (new Regex("([\\d]{5})", Options), " $1 "),
        (new Regex("(^| )(b\\.?p\\.?|cs|tsa|cidex) *(n(o|°|) *|)[\\d]+ *", Options), "$1"),
        (new Regex("([\\d]{2})[\\d]{3}(.*)c(e|é)dex ?[\\d]*", Options), "$1$2"),
        (new Regex("c(e|é)dex ?[\\d]*", Options), ""),
        (new Regex("\\d{0,2}(e|[eè]me) ([eé]tage)", Options), ""),
        (new Regex(" {2,}", Options), " "),
        (new Regex("[ -]s/[ -]", Options), " sur "),
        (new Regex("[ -]s/s[ -]", Options), " sous "),
        (new Regex("^lieux?[ -]?dits?\\b(?=.)", Options), ""),
    ];

    private static readonly Dictionary<string, string> OrdinalFold = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bis"] = "b",
        ["ter"] = "t",
        ["quater"] = "q",
        ["quinquies"] = "c",
        ["sexies"] = "s",
    };

    private readonly IReadOnlyDictionary<string, string> _synonyms;

    /// <summary>A pipeline with the given synonyms (<see cref="Synonyms.BuiltIn"/> when null).</summary>
    public TextPipeline(IReadOnlyDictionary<string, string>? synonyms = null)
    {
        _synonyms = synonyms ?? Synonyms.Parse(Synonyms.BuiltIn);
    }

    /// <summary>The pipeline with the built-in synonyms.</summary>
    public static TextPipeline Default { get; } = new();

    /// <summary>Addok's <c>ascii()</c>: lower-case, ASCII-fold, non-word characters to spaces, spaces collapsed.</summary>
    public static string Ascii(string text) => AsciiFolding.FoldAlphanumerized(text);

    /// <summary>Addok's <c>alphanumerize</c>.</summary>
    public static string Alphanumerize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // re.sub(r" {2,}", " ", re.sub(r"[^\w]", " ", text)).strip(), without regular expressions.
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                if (pendingSpace && sb.Length > 0)
                {
                    sb.Append(' ');
                }
                pendingSpace = false;
                sb.Append(c);
            }
            else
            {
                pendingSpace = true;
            }
        }
        return sb.ToString();
    }

    /// <summary>addok_france <c>extract_address</c>: drops leading noise before "number type ...".</summary>
    public static string ExtractAddressPart(string query)
    {
        var match = ExtractAddress.Match(query);
        return match.Success ? match.Value : query;
    }

    /// <summary>addok_france <c>clean_query</c>: postcode spacing, BP/CS/CEDEX and floor noise, "lieu-dit".</summary>
    public static string CleanQuery(string query)
    {
        foreach (var (pattern, replacement) in CleanPatterns)
        {
            query = pattern.Replace(query, replacement);
        }
        return query.Trim();
    }

    /// <summary>addok_france <c>remove_leading_zeros</c>: "0003" → "3" (1 to 3 digits kept, postcodes untouched).</summary>
    public static string RemoveLeadingZeros(string query) => LeadingZeros.Replace(query, "$1");

    /// <summary>
    /// The query side: Addok's <c>ascii()</c> of the trimmed query, the query processors, then the token processors.
    /// Throws <see cref="QueryTooLongException"/> past <see cref="QueryMaxLength"/> characters.
    /// </summary>
    public List<Token> ProcessQuery(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var q = Ascii(query.Trim());
        if (q.Length > QueryMaxLength)
        {
            throw new QueryTooLongException(q.Length, QueryMaxLength);
        }
        q = RemoveLeadingZeros(CleanQuery(ExtractAddressPart(q)));
        return ProcessTokens(q);
    }

    /// <summary>The token processors (tokenize … phonemicize) over one text, as at indexing.</summary>
    public List<Token> ProcessTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // tokenize + normalize
        var tokens = new List<Token>();
        var position = 0;
        foreach (Match m in WordPattern.Matches(text))
        {
            var value = AsciiFolding.Fold(m.Value);
            tokens.Add(new Token(value, [position], position == 0, value, false));
            position++;
        }
        tokens = GlueOrdinal(tokens);
        for (var i = 0; i < tokens.Count; i++)
        {
            tokens[i] = FoldOrdinal(tokens[i]);
        }
        FlagHousenumber(tokens);
        var result = new List<Token>(tokens.Count);
        foreach (var token in tokens)
        {
            if (_synonyms.TryGetValue(token.Value, out var wanted))
            {
                var parts = wanted.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                for (var i = 0; i < parts.Length; i++)
                {
                    result.Add(token.With(Phonemizer.Phonemicize(parts[i]), appendPosition: i));
                }
            }
            else
            {
                result.Add(token.With(Phonemizer.Phonemicize(token.Value), appendPosition: 0));
            }
        }
        return result;
    }

    /// <summary>The values of <see cref="ProcessTokens"/>, as the index stores them.</summary>
    public List<string> ProcessToStrings(string text)
    {
        var tokens = ProcessTokens(text);
        var values = new List<string>(tokens.Count);
        foreach (var t in tokens)
        {
            values.Add(t.Value);
        }
        return values;
    }

    /// <summary>A housenumber key as Addok's <c>prepare_housenumbers</c> computes it: "96bis" → "96b".</summary>
    public string HousenumberKey(string raw)
    {
        var sb = new StringBuilder();
        foreach (var t in ProcessTokens(raw))
        {
            sb.Append(t.Value);
        }
        return sb.ToString();
    }

    private static bool IsAllDigits(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    // addok_france glue_ordinal: "6", "bis" followed by nothing or a street type → "6bis" (raw "6 bis").
    private static List<Token> GlueOrdinal(List<Token> tokens)
    {
        var output = new List<Token>(tokens.Count);
        Token? previous = null;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var next = i + 1 < tokens.Count ? tokens[i + 1] : null;
            if (next is not null && IsAllDigits(token.Value) && token.Value.Length < 5)
            {
                previous = token;
                continue;
            }
            if (previous is not null)
            {
                if (OrdinalAtStart.IsMatch(token.Value) && (next is null || TypeAtStart.IsMatch(next.Value)))
                {
                    var raw = previous.Value + " " + token.Value;
                    token = previous.With(previous.Value + token.Value, raw);
                }
                else
                {
                    output.Add(previous);
                }
                previous = null;
            }
            output.Add(token);
        }
        return output;
    }

    // addok_france fold_ordinal: "3bis" → "3b".
    private static Token FoldOrdinal(Token token)
    {
        var s = token.Value;
        if (s.Length == 0 || !char.IsAsciiDigit(s[0]) || IsAllDigits(s))
        {
            return token;
        }
        var m = FoldPattern.Match(s);
        if (!m.Success)
        {
            return token;
        }
        var ordinal = m.Groups[2].Value;
        var folded = OrdinalFold.TryGetValue(ordinal, out var f) ? f : ordinal;
        return token.With(m.Groups[1].Value + folded);
    }

    // addok_france flag_housenumber: the first number-like token that is first or followed by a street type.
    private static void FlagHousenumber(List<Token> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var next = i + 1 < tokens.Count ? tokens[i + 1] : null;
            if ((token.IsFirst || (next is not null && TypeAtStart.IsMatch(next.Value)))
                && NumberAtStart.IsMatch(token.Value))
            {
                token.IsHousenumber = true;
                return;
            }
        }
    }
}

/// <summary>The query is longer than <see cref="TextPipeline.QueryMaxLength"/> (Addok's <c>EntityTooLarge</c>, HTTP 413).</summary>
public sealed class QueryTooLongException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public QueryTooLongException(int length, int limit)
        : base($"Query too long, {length} chars, limit is {limit}")
    {
    }

    /// <summary>Creates the exception.</summary>
    public QueryTooLongException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public QueryTooLongException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public QueryTooLongException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
