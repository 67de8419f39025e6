using Xunit.Abstractions;

namespace Crossroads.Geocoding.Tests;

public sealed class ExploreTests(ITestOutputHelper output)
{
    [SampleFact]
    public void Explore()
    {
        var ix = SampleData.Index;
        output.WriteLine($"docs {ix.DocumentCount} hns {ix.HousenumberCount} terms {ix.TermCount} postings {ix.PostingCount} mem {ix.EstimatedMemoryBytes()}");
        foreach (var q in new[] { "10 Rue des Sapins Pouembout", "10 rue des sap", "rue des sapisn pouembout", "Pouembout", "noumea", "rue de sebastopol noumea", "12 rue jules ferry", "av foch", "Koné" })
        {
            output.WriteLine("== " + q);
            foreach (var r in ix.Search(q))
            {
                output.WriteLine($"  {r.Label} | {r.Type} | {r.Id} | {r.Score} | {r.City} {r.Citycode} {r.Postcode}");
            }
        }
    }
}

public sealed class DumpTermsTests
{
    [SampleFact]
    public void DumpTerms()
    {
        var path = Environment.GetEnvironmentVariable("GEOCODER_DUMP_TERMS");
        if (path is not null)
        {
            File.WriteAllLines(path, SampleData.Index.Terms);
        }
    }
}
