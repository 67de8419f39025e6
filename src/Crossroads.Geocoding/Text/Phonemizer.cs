using System.Text.RegularExpressions;

namespace Crossroads.Geocoding.Text;

/// <summary>
/// addok-fr's very light French phonemicisation (addok_fr/utils.py <c>phonemicize</c>, MIT): the same ordered
/// rewrite rules, expressed as .NET regular expressions, applied to every token at indexing and query time so that
/// "cergy" and "serji" meet. The rules are reproduced because index keys must be the same as Addok's for scores and
/// candidates to be the same.
/// </summary>
public static class Phonemizer
{
    private static readonly (Regex Pattern, string Replacement)[] Rules =
    [
        (new Regex("(?<=a)(mp|nd|nt)s?$", RegexOptions.CultureInvariant), "n"),
        (new Regex("([aeiouy])mp(?=[^aeiouyr])", RegexOptions.CultureInvariant), "$1n"),
        (new Regex("ngt(?=[aeiouy])", RegexOptions.CultureInvariant), "nt"),
        (new Regex("ngt", RegexOptions.CultureInvariant), "n"),
        (new Regex("((?<=[^g])g|^g)(?=[eyi])", RegexOptions.CultureInvariant), "j"),
        (new Regex("(?<=g)u(?=[aeio])", RegexOptions.CultureInvariant), ""),
        (new Regex("(?<=ei)gn([aeiouy])", RegexOptions.CultureInvariant), "ni$1"),
        (new Regex("je([aeiouy])", RegexOptions.CultureInvariant), "j$1"),
        (new Regex("c(?=[^hieyw])", RegexOptions.CultureInvariant), "k"),
        (new Regex("anc$", RegexOptions.CultureInvariant), "an"),
        (new Regex("((?<=[^s])ch|(?<=[^0-9])c)$", RegexOptions.CultureInvariant), "k"),
        (new Regex("(?<=[aeiouy])s(?=[aeiouy])", RegexOptions.CultureInvariant), "z"),
        (new Regex("((?<=[^0-9])q|^q)u?", RegexOptions.CultureInvariant), "k"),
        (new Regex("cc(?=[ie])", RegexOptions.CultureInvariant), "s"),
        (new Regex("ck", RegexOptions.CultureInvariant), "k"),
        (new Regex("ph", RegexOptions.CultureInvariant), "f"),
        (new Regex("th$", RegexOptions.CultureInvariant), "te"),
        (new Regex("(?<=[^sc0-9])h", RegexOptions.CultureInvariant), ""),
        (new Regex("^h(?=.)", RegexOptions.CultureInvariant), ""),
        (new Regex("sc", RegexOptions.CultureInvariant), "s"),
        (new Regex("sh", RegexOptions.CultureInvariant), "ch"),
        (new Regex("((?<=[^0-9])w|^w)", RegexOptions.CultureInvariant), "v"),
        (new Regex("c(?=[eiy])", RegexOptions.CultureInvariant), "s"),
        (new Regex("((?<=[^0-9])y|^y)", RegexOptions.CultureInvariant), "i"),
        (new Regex("esn", RegexOptions.CultureInvariant), "en"),
        (new Regex("eim( |$)", RegexOptions.CultureInvariant), "aim"),
        (new Regex("(ae|ei)(?=\\w)", RegexOptions.CultureInvariant), "e"),
        (new Regex("oeufs( |$)", RegexOptions.CultureInvariant), "eu"),
        (new Regex("oeu?(?=\\w)", RegexOptions.CultureInvariant), "eu"),
        (new Regex("(?<=[^0-9])s$", RegexOptions.CultureInvariant), ""),
        (new Regex("(?<=u)l?x$", RegexOptions.CultureInvariant), ""),
        (new Regex("(?<=u)lt$", RegexOptions.CultureInvariant), "t"),
        (new Regex("(?<=[a-z])[dg]$", RegexOptions.CultureInvariant), ""),
        (new Regex("(?<=[^es0-9])t$", RegexOptions.CultureInvariant), ""),
        (new Regex("(?<=[aeiou])(m)(?=[pbgft])", RegexOptions.CultureInvariant), "n"),
        (new Regex("(?<=[a-z]{2})(e$)", RegexOptions.CultureInvariant), ""),
        (new Regex("(?<=[aeiouy])n[dt](?=[^aeiouyr])", RegexOptions.CultureInvariant), "n"),
        (new Regex("([a-z])\\1+", RegexOptions.CultureInvariant), "$1"),
    ];

    // Addok caches this function too (PHONEMICIZE_CACHE_SIZE); here a bounded concurrent map.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);
    private const int CacheLimit = 200_000;

    /// <summary>Phonemicises one (already normalised) token.</summary>
    public static string Phonemicize(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (Cache.TryGetValue(token, out var cached))
        {
            return cached;
        }
        var result = Apply(token);
        if (Cache.Count < CacheLimit)
        {
            Cache.TryAdd(token, result);
        }
        return result;
    }

    private static string Apply(string token)
    {
        var result = token;
        foreach (var (pattern, replacement) in Rules)
        {
            result = pattern.Replace(result, replacement);
        }
        return result;
    }
}
