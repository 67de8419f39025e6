using System.Globalization;
using System.Text.RegularExpressions;

namespace Crossroads.Server.Tests.Infrastructure;

/// <summary>Reads /metrics (Prometheus text) as a client would: samples by name and labels, and their change between scrapes.</summary>
public static partial class MetricsScrape
{
    public static async Task<string> GetAsync(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    public static double Delta(string before, string after, string name, string? labels) => Value(after, name, labels) - Value(before, name, labels);

    /// <summary>The value of the sample <c>name{...labels...}</c>; labels must appear in the label set (other labels allowed); 0 when absent.</summary>
    public static double Value(string scrape, string name, string? labels)
    {
        ArgumentNullException.ThrowIfNull(scrape);
        foreach (Match m in SampleLine().Matches(scrape))
        {
            if (m.Groups["name"].Value != name)
            {
                continue;
            }

            string set = m.Groups["labels"].Value;
            if (labels is null || set.Contains(labels, StringComparison.Ordinal) || labels.Split(',').All(l => set.Contains(l, StringComparison.Ordinal)))
            {
                return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    [GeneratedRegex(@"(?m)^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[^ \n]+)")]
    private static partial Regex SampleLine();
}
