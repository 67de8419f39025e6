using System.Text.Json;
using Crossroads.Geocoding.Index;
using Crossroads.Geocoding.Synthetic;

namespace Crossroads.Geocoding.Tests.Synthetic;

public sealed class SyntheticBanWriterTests
{
    private static readonly SyntheticBanOptions Small = new() { Municipalities = 40, Streets = 600, Seed = 7 };

    [Fact]
    public void The_same_seed_gives_the_same_bytes_and_another_seed_others()
    {
        Assert.Equal(Generate(Small).Bytes, Generate(Small).Bytes);
        Assert.NotEqual(Generate(Small).Bytes, Generate(Small with { Seed = 8 }).Bytes);
    }

    [Fact]
    public void It_writes_the_counts_it_reports_with_unique_ids()
    {
        var (bytes, statistics) = Generate(Small);
        var lines = System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(statistics.Municipalities + statistics.Streets, lines.Length);
        Assert.Equal(40, statistics.Municipalities);
        Assert.Equal(600, statistics.Streets);

        var ids = new HashSet<string>(StringComparer.Ordinal);
        long housenumbers = 0;
        foreach (string line in lines)
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            Assert.True(ids.Add(root.GetProperty("id").GetString()!), "duplicate id " + root.GetProperty("id"));
            if (root.TryGetProperty("housenumbers", out var numbers))
            {
                foreach (var number in numbers.EnumerateObject())
                {
                    Assert.True(ids.Add(number.Value.GetProperty("id").GetString()!), "duplicate housenumber id " + number.Value.GetProperty("id"));
                    housenumbers++;
                }
            }
        }

        Assert.Equal(statistics.Housenumbers, housenumbers);
        // Geometric around 11.3 per street: 600 streets give a mean well inside 8..15.
        Assert.InRange(housenumbers / 600.0, 8, 15);
    }

    [Fact]
    public void The_index_loads_it_and_finds_a_generated_address_first()
    {
        var (bytes, _) = Generate(Small);
        var index = GeocoderIndex.Load(new MemoryStream(bytes));
        var street = System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(static line => JsonDocument.Parse(line).RootElement)
            .First(static root => root.GetProperty("type").GetString() == "street" && root.GetProperty("housenumbers").EnumerateObject().Count() > 2);
        var number = street.GetProperty("housenumbers").EnumerateObject().ElementAt(1);
        string query = $"{number.Name} {street.GetProperty("name").GetString()} {street.GetProperty("city").GetString()}";

        var results = index.Search(query);
        Assert.NotEmpty(results);
        Assert.Equal(number.Value.GetProperty("id").GetString(), results[0].Id);
    }

    private static (byte[] Bytes, SyntheticBanStatistics Statistics) Generate(SyntheticBanOptions options)
    {
        using var output = new MemoryStream();
        var statistics = SyntheticBanWriter.Write(output, options);
        return (output.ToArray(), statistics);
    }
}
