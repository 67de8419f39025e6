using System.IO.Compression;
using System.Text.Json.Nodes;
using Crossroads.Geocoding.Search;
using Xunit.Abstractions;

namespace Crossroads.Geocoding.Tests;

/// <summary>
/// Differential test against the real Addok: data/addok-reference.jsonl.gz holds Addok 1.3.2's answers (BAN
/// configuration) to 4,719 queries over the sample — address variants, streets, municipalities, filters, centre
/// bias and reverse points (how it was made: bench/Crossroads.Benchmarks/Geocoding/addok-reference/README.md).
/// </summary>
public sealed class AddokReferenceTests(ITestOutputHelper output)
{
    private static readonly string ReferencePath = Path.Combine(AppContext.BaseDirectory, "data", "addok-reference.jsonl.gz");

    [SampleFact]
    public void Same_top_answer_and_score_as_addok()
    {
        var index = SampleData.Index;
        int total = 0, sameTop = 0, sameScore = 0, sameTop5 = 0, searches = 0;
        var failures = new List<string>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(ReferencePath), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
        {
            var reference = JsonNode.Parse(line)!.AsObject();
            var q = reference["q"]!.AsObject();
            var expectedIds = reference["ids"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            IReadOnlyList<GeocodeResult> results;
            var isReverse = q["reverse"]?.GetValue<bool>() == true;
            if (isReverse)
            {
                results = index.Reverse(q["lat"]!.GetValue<double>(), q["lon"]!.GetValue<double>());
            }
            else
            {
                searches++;
                results = index.Search(q["q"]!.GetValue<string>(), new SearchOptions
                {
                    Autocomplete = q["autocomplete"]?.GetValue<bool>() ?? true,
                    Lat = q["lat"]?.GetValue<double>(),
                    Lon = q["lon"]?.GetValue<double>(),
                    Types = q["type"] is { } t ? [t.GetValue<string>()] : null,
                    Citycodes = q["citycode"] is { } c ? [c.GetValue<string>()] : null,
                    Postcodes = q["postcode"] is { } p ? [p.GetValue<string>()] : null,
                });
            }
            total++;
            var top = results.Count > 0 ? results[0] : null;
            var expectedTop = expectedIds.Count > 0 ? expectedIds[0] : null;
            if (top?.Id == expectedTop)
            {
                sameTop++;
            }
            else if (failures.Count < 10)
            {
                failures.Add($"{q.ToJsonString()}: Addok {expectedTop}, ours {top?.Id}");
            }
            var expectedScore = reference["score"]?.GetValue<double>();
            if (top is null ? expectedScore is null : expectedScore is { } s && Math.Abs(s - top.Score) < 1e-9)
            {
                sameScore++;
            }
            if (results.Select(r => r.Id).SequenceEqual(expectedIds))
            {
                sameTop5++;
            }
            if (top is not null && reference["label"]?.GetValue<string>() is { } label)
            {
                Assert.Equal(label, top.Label);
            }
        }
        output.WriteLine($"{total} queries ({searches} searches): same top {sameTop}, same top score {sameScore}, same top-5 {sameTop5}");
        Assert.Equal(4719, total);
        Assert.True(sameTop >= total * 0.998, $"same top answer for {sameTop}/{total}:\n" + string.Join('\n', failures));
        Assert.True(sameScore >= total * 0.998, $"same score for {sameScore}/{total}");
        Assert.True(sameTop5 >= total * 0.99, $"same top-5 for {sameTop5}/{total}");
    }
}
