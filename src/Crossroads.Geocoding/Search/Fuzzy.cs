namespace Crossroads.Geocoding.Search;

/// <summary>Addok's <c>make_fuzzy</c> (addok/fuzzy.py): one-edit neighbours in Addok's priority order.</summary>
internal static class Fuzzy
{
    // Addok's default FUZZY_KEY_MAP (AZERTY neighbours).
    private static readonly Dictionary<char, string> KeyMap = new()
    {
        ['a'] = "ezqop", ['z'] = "aqse", ['e'] = "azsdryu", ['r'] = "edft", ['t'] = "rfgy", ['y'] = "teghu",
        ['u'] = "yehji", ['i'] = "ujko", ['o'] = "iaklp", ['p'] = "oalm", ['q'] = "azsw", ['s'] = "qzedxw",
        ['d'] = "serfcx", ['f'] = "drtgvc", ['g'] = "ftyhbv", ['h'] = "gyujnb", ['j'] = "huikn", ['k'] = "jil",
        ['l'] = "kom", ['m'] = "lpu", ['w'] = "qsx", ['x'] = "wsdc", ['c'] = "xdfvio", ['v'] = "cfgb",
        ['b'] = "vghn", ['n'] = "bhj",
    };

    internal static List<string> MakeFuzzy(string word)
    {
        var neighbors = new List<string>();
        var chars = word.ToCharArray();
        // inversions
        for (var i = 0; i < word.Length - 1; i++)
        {
            var n = (char[])chars.Clone();
            (n[i], n[i + 1]) = (n[i + 1], n[i]);
            neighbors.Add(new string(n));
        }
        // keyboard substitutions (Addok mutates the same list across letters of one position)
        for (var i = 0; i < word.Length; i++)
        {
            var n = (char[])chars.Clone();
            if (KeyMap.TryGetValue(n[i], out var letters))
            {
                foreach (var letter in letters)
                {
                    if (letter != n[i])
                    {
                        n[i] = letter;
                        neighbors.Add(new string(n));
                    }
                }
            }
        }
        // insertions
        for (var letter = 'a'; letter <= 'z'; letter++)
        {
            for (var i = 0; i <= word.Length; i++)
            {
                neighbors.Add(word[..i] + letter + word[i..]);
            }
        }
        // removals
        if (word.Length > 3)
        {
            for (var i = 0; i < word.Length; i++)
            {
                neighbors.Add(word.Remove(i, 1));
            }
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return neighbors.Where(seen.Add).ToList();
    }
}
