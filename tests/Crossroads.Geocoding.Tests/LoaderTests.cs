using System.IO.Compression;
using System.Text;
using Crossroads.Geocoding.Data;
using Crossroads.Geocoding.Index;
using Crossroads.Geocoding.Search;

namespace Crossroads.Geocoding.Tests;

/// <summary>Addok's import format: list values, nested housenumbers, actions, gzip.</summary>
public sealed class LoaderTests
{
    private const string Municipality =
        """{"id":"99001","type":"municipality","name":["Villeneuve","Villeneuve-Vieille"],"postcode":["99100","99101"],"citycode":"99001","lat":45.0,"lon":5.0,"x":100.5,"y":200.25,"city":"Villeneuve","context":"99, Test","importance":0.5,"population":1200}""";

    private const string Street =
        """{"id":"99001_abc","type":"street","name":["Rue des Lilas","Rue des Glycines"],"postcode":"99100","citycode":["99001"],"lat":45.001,"lon":5.001,"city":["Villeneuve"],"context":"99, Test","importance":0.4,"housenumbers":{"1":{"id":"99001_abc_00001","lat":45.0011,"lon":5.0011,"x":1.5,"y":2.5},"3bis":{"id":"99001_abc_00003_bis","lat":45.0012,"lon":5.0012}}}""";

    private static Stream Text(params string[] lines) => new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));

    private static Stream Gzip(params string[] lines)
    {
        var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        }
        buffer.Position = 0;
        return buffer;
    }

    [Fact]
    public void Lists_first_value_shown_others_searchable()
    {
        var index = GeocoderIndex.Load(Text(Municipality, Street));
        Assert.Equal(2, index.DocumentCount);
        Assert.Equal(2, index.HousenumberCount);
        var alias = index.Search("rue des glycines villeneuve")[0];
        Assert.Equal("99001_abc", alias.Id);
        Assert.Equal("Rue des Lilas", alias.Name);
        Assert.Equal("99100", alias.Postcode);
        var municipality = index.Search("villeneuve vieille")[0];
        Assert.Equal("99001", municipality.Id);
        Assert.Equal("Villeneuve", municipality.Name);
        Assert.Equal("99100", municipality.Postcode);
        Assert.Equal(100.5, municipality.X);
        Assert.Equal(200.25, municipality.Y);
        var hn = index.Search("3 bis rue des lilas villeneuve")[0];
        Assert.Equal("99001_abc_00003_bis", hn.Id);
        Assert.Equal("3bis", hn.Housenumber);
        Assert.Equal("3bis Rue des Lilas 99100 Villeneuve", hn.Label);
        Assert.Null(hn.X);
    }

    [Fact]
    public void Document_counts_by_type_follow_the_live_documents()
    {
        const string locality = """{"id":"99001_loc","type":"locality","name":"Lieu-dit les Bois","citycode":"99001","lat":45.002,"lon":5.002,"city":"Villeneuve","importance":0.1}""";
        var index = GeocoderIndex.Load(Text(Municipality, Street, locality, """{"id":"99001","_action":"delete"}"""));
        var counts = index.DocumentCountsByType();
        Assert.Equal(index.DocumentCount, counts.Values.Sum());
        Assert.Equal(1, counts["street"]);
        Assert.Equal(1, counts["locality"]);
        Assert.Equal(0, counts.GetValueOrDefault("municipality")); // deleted: not counted, whether or not its type is listed
        Assert.Same(counts, index.DocumentCountsByType()); // counted once
    }

    [Fact]
    public void Gzip_is_detected_from_the_content()
    {
        var index = GeocoderIndex.Load(Gzip(Municipality, Street));
        Assert.Equal(2, index.DocumentCount);
    }

    [Fact]
    public void Delete_and_update_actions_apply_in_order()
    {
        var renamed = Street.Replace("\"id\":\"99001_abc\",", "\"id\":\"99001_abc\",\"_action\":\"update\",", StringComparison.Ordinal)
            .Replace("Rue des Lilas", "Rue des Roses", StringComparison.Ordinal);
        var index = GeocoderIndex.Load(Text(Municipality, Street, renamed, """{"id":"99001","_action":"delete"}"""));
        Assert.Equal(1, index.DocumentCount);
        Assert.DoesNotContain(index.Search("villeneuve"), r => r.Type == "municipality");
        Assert.DoesNotContain(index.Search("rue des lilas", new SearchOptions { Autocomplete = false }), r => r.Name.Contains("Lilas", StringComparison.Ordinal));
        Assert.Equal("Rue des Roses", index.Search("rue des roses villeneuve")[0].Name);
    }

    [Fact]
    public void Deleting_an_unknown_id_is_a_no_op_and_reindexing_replaces()
    {
        using var builder = new GeocoderIndexBuilder();
        builder.AddRange(AddokNdjsonReader.Read(Text(Street, """{"id":"nope","_action":"delete"}""", Street)));
        Assert.Equal(1, builder.Count);
        Assert.Equal(1, builder.Build().DocumentCount);
    }

    [Fact]
    public void Malformed_lines_name_their_number()
    {
        var e = Assert.Throws<FormatException>(() => AddokNdjsonReader.Read(Text(Municipality, "{not json")).ToList());
        Assert.StartsWith("line 2:", e.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => AddokNdjsonReader.Read(Text("""{"type":"street","lat":1,"lon":2}""")).ToList());
        Assert.Throws<FormatException>(() => AddokNdjsonReader.Read(Text("""{"id":"x","type":"street"}""")).ToList());
    }

    [SampleFact]
    public void Actions_on_top_of_the_real_sample()
    {
        using var builder = new GeocoderIndexBuilder();
        builder.AddRange(AddokNdjsonReader.ReadFile(SampleData.Path!));
        var pouembout = SampleData.Index.Search("rue des sapins pouembout")[0];
        Assert.Equal("98825_y6as4k", pouembout.Id);
        builder.AddRange(AddokNdjsonReader.Read(Text(
            """{"id":"98825_y6as4k","_action":"delete"}""",
            """{"id":"98817_m8h3x6","_action":"update","type":"street","name":"Rue des Pins Colonnaires","citycode":["98817"],"city":["Le Mont-Dore"],"context":"988, Nouvelle-Calédonie","lat":-22.268922,"lon":166.563082,"importance":0.4,"housenumbers":{"7":{"id":"98817_m8h3x6_00007","lat":-22.2689,"lon":166.5631}}}""")));
        var index = builder.Build();
        Assert.Equal(SampleData.Index.DocumentCount - 1, index.DocumentCount);
        Assert.DoesNotContain(index.Search("rue des sapins pouembout", new SearchOptions { Limit = 20 }), r => r.Id.StartsWith("98825_y6as4k", StringComparison.Ordinal));
        var updated = index.Search("7 rue des pins colonnaires mont dore")[0];
        Assert.Equal("98817_m8h3x6_00007", updated.Id);
        // The deleted street's housenumbers are gone from reverse too.
        var reverse = index.Reverse(-21.120919, 164.900792)[0];
        Assert.DoesNotContain("98825_y6as4k", reverse.Id, StringComparison.Ordinal);
    }
}
