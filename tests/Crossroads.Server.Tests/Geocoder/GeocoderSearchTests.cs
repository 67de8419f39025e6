using System.IO.Compression;
using System.Text.Json;

namespace Crossroads.Server.Tests.Geocoder;

/// <summary>
/// Addok's /search, /reverse and /get/{id} over HTTP on the bundled sample: shapes, member order and types as Addok
/// renders them (addok/http/base.py, addok/helpers/formatters.py), parameters, filters and errors (4xx, never 500).
/// </summary>
public sealed class GeocoderSearchTests(GeocoderServerFixture fixture) : IClassFixture<GeocoderServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task Search_answers_a_geocodejson_FeatureCollection_with_Addoks_members_in_Addoks_order()
    {
        var answer = await Geo.GetAsync(Client, "/search?q=10%20rue%20des%20sapins%20pouembout&limit=3");

        Assert.True(answer.Code == 200, answer.ToString());
        Assert.Equal("application/json", answer.ContentType);
        Assert.Equal("utf-8", answer.Response.Content.Headers.ContentType?.CharSet);
        Assert.Equal(["type", "version", "features", "attribution", "licence", "query", "limit"], Geo.Members(answer.Json));
        Assert.Equal("FeatureCollection", answer.Json.GetProperty("type").GetString());
        Assert.Equal("draft", answer.Json.GetProperty("version").GetString());
        Assert.Equal("BAN", answer.Json.GetProperty("attribution").GetString());
        Assert.Equal("ETALAB-2.0", answer.Json.GetProperty("licence").GetString());
        Assert.Equal("10 rue des sapins pouembout", answer.Json.GetProperty("query").GetString());
        Assert.Equal(3, answer.Json.GetProperty("limit").GetInt32());

        var feature = answer.Features[0];
        Assert.Equal(["type", "geometry", "properties"], Geo.Members(feature));
        Assert.Equal("Feature", feature.GetProperty("type").GetString());
        Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        var coordinates = feature.GetProperty("geometry").GetProperty("coordinates");
        Assert.Equal(164.900792, coordinates[0].GetDouble()); // [lon, lat]
        Assert.Equal(-21.120919, coordinates[1].GetDouble());

        // A housenumber of a street document: Addok renders housenumber first, the document's type as a key holding the
        // street name, no falsy values (no postcode in this sample, banId/oldcity null), no distance without a centre.
        var p = feature.GetProperty("properties");
        Assert.Equal(
            ["label", "score", "housenumber", "id", "name", "citycode", "x", "y", "city", "context", "type", "importance", "street"],
            Geo.Members(p));
        Assert.Equal("10 Rue des Sapins Pouembout", p.GetProperty("label").GetString());
        Assert.Equal(JsonValueKind.Number, p.GetProperty("score").ValueKind);
        Assert.InRange(p.GetProperty("score").GetDouble(), 0.9, 1.0);
        Assert.Equal("10", p.GetProperty("housenumber").GetString());
        Assert.Equal("98825_y6as4k_00010", p.GetProperty("id").GetString());
        Assert.Equal("10 Rue des Sapins", p.GetProperty("name").GetString());
        Assert.Equal("98825", p.GetProperty("citycode").GetString());
        Assert.Equal(285817.66, p.GetProperty("x").GetDouble());
        Assert.Equal(341566.72, p.GetProperty("y").GetDouble());
        Assert.Equal("Pouembout", p.GetProperty("city").GetString());
        Assert.Equal("988, Nouvelle-Calédonie", p.GetProperty("context").GetString());
        Assert.Equal("housenumber", p.GetProperty("type").GetString());
        Assert.Equal(0.4216, p.GetProperty("importance").GetDouble());
        Assert.Equal("Rue des Sapins", p.GetProperty("street").GetString());
    }

    [Fact]
    public async Task A_municipality_carries_its_postcode_population_and_a_municipality_key()
    {
        var answer = await Geo.GetAsync(Client, "/search?q=pouembout&type=municipality");

        Assert.True(answer.Code == 200, answer.ToString());
        var p = answer.Properties(0);
        Assert.Equal("municipality", p.GetProperty("type").GetString());
        Assert.Equal("98825", p.GetProperty("postcode").GetString());
        Assert.Equal(2752, p.GetProperty("population").GetInt32());
        Assert.Equal("Pouembout", p.GetProperty("municipality").GetString());
        Assert.False(p.TryGetProperty("housenumber", out _));
        Assert.Equal(["type"], Geo.Members(answer.Json.GetProperty("filters")));
        Assert.Equal("municipality", answer.Json.GetProperty("filters").GetProperty("type")[0].GetString());
    }

    [Fact]
    public async Task A_centre_adds_center_and_an_integer_distance_and_accepts_Addoks_aliases()
    {
        foreach (string centre in new[] { "lat=-21.12&lon=164.9", "latitude=-21.12&lng=164.9", "lat=-21.12&long=164.9", "lat=-21.12&longitude=164.9" })
        {
            var answer = await Geo.GetAsync(Client, "/search?q=10%20rue%20des%20sapins&" + centre);
            Assert.True(answer.Code == 200, answer.ToString());
            var center = answer.Json.GetProperty("center");
            Assert.Equal(164.9, center[0].GetDouble());
            Assert.Equal(-21.12, center[1].GetDouble());
            var distance = answer.Properties(0).GetProperty("distance");
            Assert.True(distance.TryGetInt32(out int metres) && metres > 0, distance.GetRawText());
            Assert.Equal("distance", Geo.Members(answer.Properties(0))[^1]);
        }
    }

    [Fact]
    public async Task Filters_are_ORed_within_and_ANDed_across_and_echoed_as_lists()
    {
        var both = await Geo.GetAsync(Client, "/search?q=rue%20des%20sapins&type=street&type=housenumber&citycode=98825&limit=20");
        Assert.True(both.Code == 200, both.ToString());
        Assert.NotEmpty(both.Features);
        Assert.All(both.Features, f =>
        {
            var p = f.GetProperty("properties");
            Assert.Contains(p.GetProperty("type").GetString(), new[] { "street", "housenumber" });
            Assert.Equal("98825", p.GetProperty("citycode").GetString());
        });
        var filters = both.Json.GetProperty("filters");
        Assert.Equal(["type", "citycode"], Geo.Members(filters));
        Assert.Equal(2, filters.GetProperty("type").GetArrayLength());

        // Addok splits values on spaces too.
        var spaced = await Geo.GetAsync(Client, "/search?q=pouembout&type=street%20municipality");
        Assert.Equal(["street", "municipality"], spaced.Json.GetProperty("filters").GetProperty("type").EnumerateArray().Select(static v => v.GetString()));

        var none = await Geo.GetAsync(Client, "/search?q=rue%20des%20sapins&citycode=99999");
        Assert.True(none.Code == 200, none.ToString());
        Assert.Empty(none.Features);
    }

    [Fact]
    public async Task Limit_autocomplete_and_trailing_slashes_behave_as_in_Addok()
    {
        var five = await Geo.GetAsync(Client, "/search?q=rue");
        Assert.Equal(5, five.Json.GetProperty("limit").GetInt32());
        Assert.Equal(5, five.Features.Length);
        var zero = await Geo.GetAsync(Client, "/search?q=rue&limit=0"); // Addok: `limit or 5`
        Assert.Equal(5, zero.Json.GetProperty("limit").GetInt32());
        var hundred = await Geo.GetAsync(Client, "/search?q=rue&limit=100");
        Assert.True(hundred.Features.Length > 5, hundred.ToString());

        var prefix = await Geo.GetAsync(Client, "/search?q=rue%20des%20sapi");
        var noPrefix = await Geo.GetAsync(Client, "/search?q=rue%20des%20sapi&autocomplete=0");
        Assert.Equal("Rue des Sapins Pouembout", prefix.Properties(0).GetProperty("label").GetString());
        Assert.True(noPrefix.Features.Length == 0 || noPrefix.Properties(0).GetProperty("score").GetDouble() < prefix.Properties(0).GetProperty("score").GetDouble());

        var slash = await Geo.GetAsync(Client, "/search/?q=pouembout");
        Assert.True(slash.Code == 200, slash.ToString());
        Assert.Equal("*", slash.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Answers_are_compressed_when_the_client_accepts_it_and_preflights_pass()
    {
        foreach (string coding in new[] { "br", "gzip" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/search?q=rue&limit=20", UriKind.Relative));
            request.Headers.TryAddWithoutValidation("Accept-Encoding", coding);
            using var response = await Client.SendAsync(request);
            Assert.Equal(coding, string.Join(",", response.Content.Headers.ContentEncoding));
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
            byte[] compressed = await response.Content.ReadAsByteArrayAsync();
            using var input = new MemoryStream(compressed);
            using Stream decoder = coding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
            using var text = new StreamReader(decoder);
            using var json = JsonDocument.Parse(await text.ReadToEndAsync());
            Assert.Equal(20, json.RootElement.GetProperty("features").GetArrayLength());
            Assert.True(compressed.Length < 4000, $"{compressed.Length} bytes");
        }

        using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri("/search", UriKind.Relative));
        preflight.Headers.TryAddWithoutValidation("Origin", "https://example.org");
        preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "GET");
        preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "X-Requested-With");
        using var answer = await Client.SendAsync(preflight);
        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("*", string.Join(",", answer.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("X-Requested-With", string.Join(",", answer.Headers.GetValues("Access-Control-Allow-Headers")));
    }

    [Theory]
    [InlineData("/search", 400, "Missing parameter", "The \"q\" parameter is required.")]
    [InlineData("/search?q=", 400, "Missing parameter", "The \"q\" parameter is required.")]
    [InlineData("/search?q=rue&limit=101", 400, "Invalid parameter", "The \"limit\" parameter is invalid. out of range (1..100)")]
    [InlineData("/search?q=rue&limit=-1", 400, "Invalid parameter", "The \"limit\" parameter is invalid. out of range (1..100)")]
    [InlineData("/search?q=rue&limit=abc", 400, "Invalid parameter", "The \"limit\" parameter is invalid. The value must be an integer.")]
    [InlineData("/search?q=rue&limit=99999999999999", 400, "Invalid parameter", "The \"limit\" parameter is invalid. The value must be an integer.")]
    [InlineData("/search?q=rue&autocomplete=maybe", 400, "Invalid parameter", "The \"autocomplete\" parameter is invalid. The value of the parameter must be \"true\" or \"false\".")]
    [InlineData("/search?q=rue&lat=abc&lon=1", 400, "Invalid parameter", "The \"lat\" parameter is invalid. invalid value")]
    [InlineData("/search?q=rue&lat=1&lon=nan", 400, "Invalid parameter", "The \"lon\" parameter is invalid. invalid value")]
    [InlineData("/search?q=rue&lat=91&lon=1", 400, "Invalid parameter", "The \"lat\" parameter is invalid. out of range")]
    [InlineData("/search?q=rue&lat=1&lon=1e300", 400, "Invalid parameter", "The \"lon\" parameter is invalid. out of range")]
    [InlineData("/reverse?lat=-21.12", 400, "Missing parameter", "The \"lon\" parameter is required.")]
    [InlineData("/reverse?lon=164.9", 400, "Missing parameter", "The \"lat\" parameter is required.")]
    [InlineData("/reverse?lat=-21.12&lon=164.9&limit=x", 400, "Invalid parameter", "The \"limit\" parameter is invalid. The value must be an integer.")]
    [InlineData("/reverse?lat=-21.12&lon=164.9&limit=1000", 400, "Invalid parameter", "The \"limit\" parameter is invalid. out of range (1..100)")]
    [InlineData("/get/nope", 404, "Not Found", "id \"nope\" not found")]
    public async Task Bad_parameters_get_Addoks_errors_as_problem_json(string path, int status, string title, string description)
    {
        var answer = await Geo.GetAsync(Client, path);

        Geo.AssertError(answer, status, title, description);
        Assert.Equal("*", answer.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_query_over_200_characters_is_413_with_Addoks_title_and_odd_input_is_never_500()
    {
        var tooLong = await Geo.GetAsync(Client, "/search?q=" + new string('a', 201));
        Geo.AssertError(tooLong, 413, "Query too long, 201 chars, limit is 200");

        foreach (string q in new[] { "%20%20%20", "%00", "%F0%9F%98%80%F0%9F%98%80", "bis", "12", "6%20bis%20ter", "%E2%80%AE", "''''", "-" })
        {
            var answer = await Geo.GetAsync(Client, "/search?q=" + q);
            Assert.True(answer.Code == 200, $"{q}: {answer}");
        }
    }

    [Fact]
    public async Task Reverse_returns_the_nearest_with_distance_and_no_query_or_center()
    {
        var answer = await Geo.GetAsync(Client, "/reverse?lat=-21.120919&lon=164.900792&type=housenumber");

        Assert.True(answer.Code == 200, answer.ToString());
        Assert.Equal(["type", "version", "features", "attribution", "licence", "filters", "limit"], Geo.Members(answer.Json));
        Assert.Single(answer.Features);
        var p = answer.Properties(0);
        Assert.Equal("98825_y6as4k_00010", p.GetProperty("id").GetString());
        Assert.Equal(0, p.GetProperty("distance").GetInt32());
        Assert.Equal(JsonValueKind.Number, p.GetProperty("score").ValueKind);

        var three = await Geo.GetAsync(Client, "/reverse?lat=-21.12&lon=164.9&limit=3");
        Assert.Equal(3, three.Features.Length);
        var distances = three.Features.Select(static f => f.GetProperty("properties").GetProperty("distance").GetInt32()).ToArray();
        Assert.Equal(distances.Order(), distances);

        var nowhere = await Geo.GetAsync(Client, "/reverse?lat=48.85&lon=2.35");
        Assert.True(nowhere.Code == 200, nowhere.ToString());
        Assert.Empty(nowhere.Features);
    }

    [Fact]
    public async Task Get_returns_one_Feature_without_score_for_documents_and_housenumbers()
    {
        var street = await Geo.GetAsync(Client, "/get/98825_y6as4k");
        Assert.True(street.Code == 200, street.ToString());
        Assert.Equal(["type", "geometry", "properties"], Geo.Members(street.Json));
        Assert.Equal("Rue des Sapins Pouembout", street.Json.GetProperty("properties").GetProperty("label").GetString());
        Assert.False(street.Json.GetProperty("properties").TryGetProperty("score", out _));

        var number = await Geo.GetAsync(Client, "/get/98825_y6as4k_00010");
        Assert.Equal("10", number.Json.GetProperty("properties").GetProperty("housenumber").GetString());
        Assert.Equal(164.900792, number.Json.GetProperty("geometry").GetProperty("coordinates")[0].GetDouble());
    }

    /// <summary>
    /// The real Addok 1.3.2's answers (tests/Crossroads.Geocoding.Tests/data/addok-reference.jsonl.gz, made on the full
    /// BAN sample) whose top answer lies in the bundled communes, replayed over HTTP on the bundled subset: the same top
    /// id and score (the score depends on the query, the labels, the importance and the centre, not on the index size).
    /// </summary>
    [Fact]
    public async Task Addoks_reference_answers_in_the_bundled_communes_are_reproduced_over_HTTP()
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in ReadLines(GeocoderServer.BundledSample))
        {
            using var doc = JsonDocument.Parse(line);
            known.Add(doc.RootElement.GetProperty("id").GetString()!);
            if (doc.RootElement.TryGetProperty("housenumbers", out var hns) && hns.ValueKind == JsonValueKind.Object)
            {
                foreach (var hn in hns.EnumerateObject())
                {
                    known.Add(hn.Value.GetProperty("id").GetString()!);
                }
            }
        }

        int compared = 0;
        var mismatches = new List<string>();
        foreach (var line in ReadLines(ReferenceFile()))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (!root.TryGetProperty("ids", out var ids) || ids.GetArrayLength() == 0 || !known.Contains(ids[0].GetString()!))
            {
                continue;
            }

            var q = root.GetProperty("q");
            string path = QueryPath(q);
            var answer = await Geo.GetAsync(Client, path);
            compared++;
            if (answer.Code != 200 || answer.Features.Length == 0)
            {
                mismatches.Add($"{path}: {answer.Code} {answer.Features.Length} features");
                continue;
            }

            var p = answer.Properties(0);
            string id = p.GetProperty("id").GetString()!;
            double score = p.GetProperty("score").GetDouble();
            double expected = root.GetProperty("score").GetDouble();
            if (id != ids[0].GetString() || Math.Abs(score - expected) > 1e-9)
            {
                mismatches.Add($"{path}: {id} {score} vs {ids[0].GetString()} {expected}");
            }
        }

        Assert.True(compared >= 390, $"{compared} compared");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count}/{compared} differ:\n{string.Join('\n', mismatches.Take(20))}");
    }

    private static string QueryPath(JsonElement q)
    {
        string Get(string name) => q.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText() : "";
        string Esc(string value) => Uri.EscapeDataString(value);
        if (q.TryGetProperty("reverse", out _))
        {
            return $"/reverse?lat={Get("lat")}&lon={Get("lon")}" + (q.TryGetProperty("type", out _) ? "&type=" + Esc(Get("type")) : "");
        }

        var path = new System.Text.StringBuilder("/search?q=").Append(Esc(Get("q")));
        foreach (string name in new[] { "type", "citycode", "postcode", "lat", "lon", "limit" })
        {
            if (q.TryGetProperty(name, out _))
            {
                path.Append('&').Append(name).Append('=').Append(Esc(Get(name)));
            }
        }

        if (q.TryGetProperty("autocomplete", out var ac))
        {
            path.Append("&autocomplete=").Append(ac.ValueKind == JsonValueKind.False ? "0" : "1");
        }

        return path.ToString();
    }

    private static string ReferenceFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "tests", "Crossroads.Geocoding.Tests", "data", "addok-reference.jsonl.gz");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("addok-reference.jsonl.gz not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<string> ReadLines(string gzipPath)
    {
        using var file = File.OpenRead(gzipPath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }
}
