using Crossroads.Geocoding.Search;

namespace Crossroads.Geocoding.Tests;

/// <summary>Ranking cases on the real BAN sample (New Caledonia).</summary>
public sealed class SampleSearchTests
{
    private static IReadOnlyList<GeocodeResult> Search(string q, SearchOptions? options = null) =>
        SampleData.Index.Search(q, options);

    [SampleFact]
    public void Sample_counts_are_the_documented_ones()
    {
        var ix = SampleData.Index;
        Assert.Equal(1951, ix.DocumentCount);
        Assert.Equal(40874, ix.HousenumberCount);
        Assert.Equal(1925, ix.TermCount); // the same token set as Addok's w|* keys after import
    }

    [SampleTheory]
    [InlineData("10 Rue des Sapins Pouembout", "98825_y6as4k_00010")]
    [InlineData("10 rue des sapins 98825 pouembout", "98825_y6as4k_00010")]
    [InlineData("96bis Rue des Nautous Le Mont-Dore", "98817_qlakvc_00096_bis")]
    [InlineData("96 bis rue des nautous mont dore", "98817_qlakvc_00096_bis")]
    [InlineData("1419 ter route du sud le mont-dore", "98817_6junem_01419_ter")]
    [InlineData("1419ter rte du Sud", "98817_6junem_01419_ter")]
    [InlineData("12 RUE JULES FERRY NOUMEA", "98818_d7sqzc_00012")]
    public void Full_addresses_come_first(string query, string id)
    {
        var top = Search(query)[0];
        Assert.Equal(id, top.Id);
        Assert.Equal("housenumber", top.Type);
        Assert.NotNull(top.Housenumber);
        Assert.Equal(top.Housenumber + " " + top.Street, top.Name);
    }

    [SampleFact]
    public void Housenumber_answer_has_addoks_properties()
    {
        var top = Search("10 Rue des Sapins Pouembout")[0];
        Assert.Equal("10 Rue des Sapins Pouembout", top.Label);
        Assert.Equal(0.9474181818181817, top.Score, 12); // Addok 1.3.2's score for this query
        Assert.Equal("10", top.Housenumber);
        Assert.Equal("10 Rue des Sapins", top.Name);
        Assert.Null(top.Postcode); // streets of the sample have "postcode": null
        Assert.Equal("98825", top.Citycode);
        Assert.Equal(285817.66, top.X);
        Assert.Equal(341566.72, top.Y);
        Assert.Equal("Pouembout", top.City);
        Assert.Equal("988, Nouvelle-Calédonie", top.Context);
        Assert.Equal(0.4216, top.Importance);
        Assert.Equal("Rue des Sapins", top.Street);
        Assert.Equal(-21.120919, top.Lat);
        Assert.Equal(164.900792, top.Lon);
        Assert.Null(top.Distance);
    }

    [SampleFact]
    public void Municipality_score_is_addoks_weighted_mean()
    {
        var top = Search("Pouembout")[0];
        Assert.Equal("municipality", top.Type);
        Assert.Equal("98825", top.Id);
        Assert.Equal("98825", top.Postcode);
        // (importance × 0.1 + string score 1.0) / (0.1 + 1.0): Addok's Result.score.
        Assert.Equal(((0.34113 * 0.1) + 1.0) / (0.1 + 1.0), top.Score, 12);
        Assert.Contains(top.Extras, e => e.Key == "population" && e.Value == "2752");
    }

    [SampleFact]
    public void Streets_and_typos()
    {
        Assert.Equal("98818_5pnyp8", Search("rue de sebastopol noumea")[0].Id);
        var typo = Search("rue des sapisn pouembout")[0];
        Assert.Equal("98825_y6as4k", typo.Id);
        Assert.Equal("street", typo.Type);
        Assert.Equal("98818_d7sqzc_00012", Search("12 rue jlues ferry noumea")[0].Id); // transposition
    }

    [SampleFact]
    public void Autocomplete_completes_the_last_word()
    {
        Assert.Equal("98825_y6as4k", Search("rue des sapins pouem")[0].Id);
        Assert.Equal("98818", Search("nouméa")[0].Id);
        Assert.Equal("98818", Search("noum")[0].Id);
        // Without autocomplete a prefix is only matched through fuzzy neighbours: nothing here.
        Assert.DoesNotContain(Search("noum", new SearchOptions { Autocomplete = false }), r => r.Id == "98818");
    }

    [SampleFact]
    public void Filters_are_ored_within_and_anded_across()
    {
        var streets = Search("rue des sapins", new SearchOptions { Types = ["street"], Limit = 10 });
        Assert.NotEmpty(streets);
        Assert.All(streets, r => Assert.Equal("street", r.Type));

        var inMontDore = Search("rue des sapins", new SearchOptions { Citycodes = ["98817"], Limit = 10 });
        Assert.Equal("98817_m8h3x6", inMontDore[0].Id);
        Assert.All(inMontDore, r => Assert.Equal("98817", r.Citycode));

        var either = Search("rue des sapins", new SearchOptions { Citycodes = ["98817", "98825"], Limit = 10 });
        Assert.Contains(either, r => r.Citycode == "98817");
        Assert.Contains(either, r => r.Citycode == "98825");
        Assert.All(either, r => Assert.Contains(r.Citycode, new[] { "98817", "98825" }));

        Assert.Empty(Search("rue des sapins", new SearchOptions { Citycodes = ["98817"], Types = ["municipality"] }));

        var municipality = Search("pouembout", new SearchOptions { Postcodes = ["98825"] });
        Assert.All(municipality, r => Assert.Equal("98825", r.Postcode));

        var housenumbers = Search("10 rue des sapins", new SearchOptions { Types = ["housenumber"], Limit = 10 });
        Assert.NotEmpty(housenumbers);
        Assert.All(housenumbers, r => Assert.Equal("housenumber", r.Type));
    }

    [SampleFact]
    public void Centre_biases_towards_the_nearest_homonym()
    {
        // "Rue des Sapins" exists in Pouembout, Le Mont-Dore and Kaala-Gomen.
        var nearMontDore = Search("rue des sapins", new SearchOptions { Lat = -22.2689, Lon = 166.5630 })[0];
        Assert.Equal("98817_m8h3x6", nearMontDore.Id);
        Assert.NotNull(nearMontDore.Distance);
        Assert.True(nearMontDore.Distance < 100);
        var nearKaala = Search("rue des sapins", new SearchOptions { Lat = -20.6666, Lon = 164.3952 })[0];
        Assert.Equal("98810_2lh193", nearKaala.Id);
    }

    [SampleFact]
    public void Limit_and_min_score_are_applied()
    {
        Assert.Equal(5, Search("rue").Count);
        Assert.Single(Search("rue", new SearchOptions { Limit = 1 }));
        Assert.True(Search("rue", new SearchOptions { Limit = 100 }).Count > 5);
        Assert.Empty(Search("zzzzqqqq"));
        Assert.Empty(Search(""));
        Assert.Empty(Search("   ,;  "));
        Assert.All(Search("rue des", new SearchOptions { Limit = 100 }), r => Assert.True(r.Score >= 0.1));
    }

    [SampleFact]
    public void Results_are_deterministic()
    {
        var a = Search("rue des", new SearchOptions { Limit = 20 }).Select(r => (r.Id, r.Score)).ToList();
        var b = Search("rue des", new SearchOptions { Limit = 20 }).Select(r => (r.Id, r.Score)).ToList();
        Assert.Equal(a, b);
    }

    [SampleFact]
    public void Concurrent_searches_agree()
    {
        var queries = new[] { "10 rue des sapins pouembout", "noumea", "rue de sebastopol", "1419 ter route du sud" };
        var expected = queries.Select(q => Search(q)[0].Id).ToArray();
        Parallel.For(0, 200, i => Assert.Equal(expected[i % queries.Length], Search(queries[i % queries.Length])[0].Id));
    }
}

public sealed class GetByIdTests
{
    [SampleFact]
    public void Documents_and_housenumbers_by_id()
    {
        var index = SampleData.Index;
        var street = index.Get("98825_y6as4k");
        Assert.NotNull(street);
        Assert.Equal("Rue des Sapins Pouembout", street.Label);
        Assert.Equal("street", street.Type);
        Assert.Equal(0, street.Score);
        var hn = index.Get("98817_qlakvc_00096_bis");
        Assert.NotNull(hn);
        Assert.Equal("96bis Rue des Nautous Le Mont-Dore", hn.Label);
        Assert.Equal("housenumber", hn.Type);
        Assert.Equal("98818", index.Get("98818")!.Id);
        Assert.Null(index.Get("98825_y6as4k_99999"));
        Assert.Null(index.Get("nope"));
        Assert.Null(index.Get(""));
    }
}
