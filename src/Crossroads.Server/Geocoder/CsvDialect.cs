namespace Crossroads.Server.Geocoder;

/// <summary>How a CSV file is written: delimiter, quote character, whether every field is quoted, line terminator.</summary>
internal sealed record CsvDialect(char Delimiter, char Quote, bool QuoteAll, string LineTerminator)
{
    /// <summary>Candidate delimiters, in the order Addok tries them for one-column files.</summary>
    private const string Fallbacks = ";,\t|~^°";

    /// <summary>
    /// Guesses the delimiter from the header line (Python's <c>csv.Sniffer</c> looks at the whole file; the header is
    /// enough for the files clients send): the most frequent of <c>; , TAB |</c> outside quotes; a one-column file
    /// gets the first of Addok's fallbacks that does not occur in the line.
    /// </summary>
    public static char SniffDelimiter(ReadOnlySpan<char> firstLine, char quote)
    {
        Span<int> counts = stackalloc int[4];
        bool quoted = false;
        foreach (char c in firstLine)
        {
            if (c == quote)
            {
                quoted = !quoted;
            }
            else if (!quoted)
            {
                int i = c switch { ';' => 0, ',' => 1, '\t' => 2, '|' => 3, _ => -1 };
                if (i >= 0)
                {
                    counts[i]++;
                }
            }
        }

        int best = -1;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0 && (best < 0 || counts[i] > counts[best]))
            {
                best = i;
            }
        }

        if (best >= 0)
        {
            return ";,\t|"[best];
        }

        foreach (char c in Fallbacks)
        {
            if (!firstLine.Contains(c))
            {
                return c;
            }
        }

        return ';';
    }
}
