using System.Net;
using System.Text;
using System.Text.Json;

namespace Crossroads.Server.Tests.Geocoder;

/// <summary>
/// POST /batch as the BAN's addok-server answers it: <c>{"results": [...]}</c>, one per request in order, each
/// <c>ok</c> (the best feature's properties, <c>next_score</c>, <c>lon</c>, <c>lat</c>), <c>not-found</c> or
/// <c>error</c>; a bad query is its own error, only a malformed batch refuses the whole request.
/// </summary>
public sealed class GeocoderBatchTests(GeocoderServerFixture fixture) : IClassFixture<GeocoderServerFixture>
{
    private const string Sapins10 = "98825_y6as4k_00010";

    private HttpClient Client => fixture.Server.Client;

    private static string Body(object value) => JsonSerializer.Serialize(value);

    private Task<Geo.Answer> BatchAsync(object body) => Geo.PostAsync(Client, "/batch", Body(body));

    private static JsonElement[] Results(Geo.Answer answer)
    {
        Assert.True(answer.Code == 200, answer.ToString());
        return [.. answer.Json.GetProperty("results").EnumerateArray()];
    }

    [Fact]
    public async Task Each_request_is_answered_in_order_with_addok_servers_result_shape()
    {
        var answer = await BatchAsync(new
        {
            requests = new object[]
            {
                new { id = "a", operation = "geocode", @params = new { q = "10 rue des sapins pouembout" } },
                new { id = 2, operation = "reverse", @params = new { lat = -21.120919, lon = 164.900792 } },
                new { id = "c", operation = "geocode", @params = new { q = "zzqxw vvkjy" } },
                new { operation = "geocode", @params = new { q = "route pouembout" } },
            },
        });

        var results = Results(answer);
        Assert.Equal("application/json", answer.ContentType);
        Assert.Equal("*", answer.Header("Access-Control-Allow-Origin"));
        Assert.Equal(4, results.Length);

        // The best of GET /search with the batch's settings (autocomplete off, two results for next_score).
        var search = await Geo.GetAsync(Client, "/search?q=10%20rue%20des%20sapins%20pouembout&autocomplete=0&limit=2");
        var first = results[0];
        Assert.Equal(["id", "status", "result"], Geo.Members(first));
        Assert.Equal("a", first.GetProperty("id").GetString());
        Assert.Equal("ok", first.GetProperty("status").GetString());
        var result = first.GetProperty("result");
        Assert.Equal(Sapins10, result.GetProperty("id").GetString());
        Assert.Equal("10 Rue des Sapins Pouembout", result.GetProperty("label").GetString());
        Assert.Equal(search.Properties(0).GetProperty("score").GetDouble(), result.GetProperty("score").GetDouble());
        if (search.Features.Length > 1)
        {
            Assert.Equal(search.Properties(1).GetProperty("score").GetDouble(), result.GetProperty("next_score").GetDouble());
        }
        else
        {
            Assert.False(result.TryGetProperty("next_score", out _)); // addok-server leaves it out when there is no second result
        }
        Assert.Equal(164.900792, result.GetProperty("lon").GetDouble());
        Assert.Equal(-21.120919, result.GetProperty("lat").GetDouble());
        // The feature's properties in Addok's order, then addok-server's three members.
        string[] properties = Geo.Members(search.Properties(0));
        Assert.Equal([.. properties, .. search.Features.Length > 1 ? ["next_score"] : Array.Empty<string>(), "lon", "lat"], Geo.Members(result));

        Assert.Equal(2, results[1].GetProperty("id").GetInt32()); // any JSON id comes back as sent
        Assert.Equal("ok", results[1].GetProperty("status").GetString());
        Assert.Equal(Sapins10, results[1].GetProperty("result").GetProperty("id").GetString());
        Assert.Equal(0, results[1].GetProperty("result").GetProperty("distance").GetInt32());

        Assert.Equal(["id", "status"], Geo.Members(results[2]));
        Assert.Equal("not-found", results[2].GetProperty("status").GetString());

        Assert.Equal(["status", "result"], Geo.Members(results[3])); // no id sent, none echoed
        var streets = await Geo.GetAsync(Client, "/search?q=route%20pouembout&autocomplete=0&limit=2");
        Assert.Equal(2, streets.Features.Length);
        Assert.Equal(streets.Properties(0).GetProperty("id").GetString(), results[3].GetProperty("result").GetProperty("id").GetString());
        Assert.Equal(streets.Properties(1).GetProperty("score").GetDouble(), results[3].GetProperty("result").GetProperty("next_score").GetDouble());
    }

    [Fact]
    public async Task A_bad_query_is_that_querys_error_with_search_s_status_and_the_others_are_answered()
    {
        var answer = await BatchAsync(new
        {
            requests = new object[]
            {
                new { id = 0, operation = "geocode", @params = new { } },
                new { id = 1, operation = "geocode", @params = new { q = 12 } },
                new { id = 2, operation = "geocode", @params = new { q = string.Join(' ', Enumerable.Repeat("rue des sapins", 20)) } },
                new { id = 3, operation = "geocode", @params = new { q = "rue des sapins", lat = "abc", lon = 164.9 } },
                new { id = 4, operation = "geocode", @params = new { q = "rue des sapins", lat = 95, lon = 164.9 } },
                new { id = 5, operation = "geocode", @params = new { q = "rue des sapins", type = 12 } },
                new { id = 6, operation = "reverse", @params = new { lat = -21.12 } },
                new { id = 7, operation = "geocode", @params = new { q = "rue des sapins", autocomplete = "maybe" } },
                new { id = 8, operation = "geocode", @params = new { q = "10 rue des sapins pouembout" } },
            },
        });

        var results = Results(answer);
        Assert.Equal(9, results.Length);
        AssertError(results[0], 400, "Missing parameter", "The \"q\" parameter is required.");
        AssertError(results[1], 400, "Invalid parameter", "The \"q\" parameter is invalid. The value must be a string.");
        AssertError(results[2], 413, null, null);
        AssertError(results[3], 400, "Invalid parameter", "The \"lat\" parameter is invalid. invalid value");
        AssertError(results[4], 400, "Invalid parameter", "The \"lat\" parameter is invalid. out of range");
        AssertError(results[5], 400, "Invalid parameter", "The \"type\" parameter is invalid. The value must be a string or an array of strings.");
        AssertError(results[6], 400, "Missing parameter", "The \"lon\" parameter is required.");
        AssertError(results[7], 400, "Invalid parameter", null);
        Assert.Equal("ok", results[8].GetProperty("status").GetString());
        Assert.Equal(Sapins10, results[8].GetProperty("result").GetProperty("id").GetString());

        // GET /search answers the same query with the same status.
        var tooLong = await Geo.GetAsync(Client, "/search?q=" + Uri.EscapeDataString(string.Join(' ', Enumerable.Repeat("rue des sapins", 20))));
        Assert.Equal(413, tooLong.Code);
        Assert.Equal(tooLong.Json.GetProperty("title").GetString(), results[2].GetProperty("error").GetString());
    }

    [Fact]
    public async Task Global_params_apply_to_every_request_and_a_requests_own_params_win()
    {
        var answer = await BatchAsync(new
        {
            @params = new { filters = new { type = "street" } },
            requests = new object[]
            {
                new { id = "global", operation = "geocode", @params = new { q = "10 rue des sapins pouembout" } },
                new { id = "own", operation = "geocode", @params = new { q = "10 rue des sapins pouembout", filters = new { type = "housenumber" } } },
                new { id = "flat", operation = "geocode", @params = new { q = "10 rue des sapins pouembout", type = "housenumber" } },
                new { id = "list", operation = "geocode", @params = new { q = "rue des sapins", filters = new { citycode = new[] { "98811", "98825" } } } },
                new { id = "plus", operation = "geocode", @params = new { q = "rue des sapins", citycode = "98811+98825" } },
                new { id = "none", operation = "geocode", @params = new { q = "rue des sapins", citycode = "00000" } },
            },
        });

        var results = Results(answer);
        string Type(int i) => results[i].GetProperty("result").GetProperty("type").GetString()!;
        Assert.Equal("street", Type(0));
        Assert.Equal("housenumber", Type(1));
        Assert.Equal("housenumber", Type(2));
        Assert.Equal("98825", results[3].GetProperty("result").GetProperty("citycode").GetString());
        Assert.Equal("98825", results[4].GetProperty("result").GetProperty("citycode").GetString());
        Assert.Equal("not-found", results[5].GetProperty("status").GetString()); // the filter applies: no such commune
    }

    [Theory]
    [InlineData("", "application/json", 400, "Invalid JSON")]
    [InlineData("{\"requests\": [", "application/json", 400, "Invalid JSON")]
    [InlineData("[]", "application/json", 400, "Invalid parameter")]
    [InlineData("{}", "application/json", 400, "Missing parameter")]
    [InlineData("{\"requests\": {\"operation\": \"geocode\"}}", "application/json", 400, "Missing parameter")]
    [InlineData("{\"requests\": [{\"operation\": \"geocode\"}]}", "application/json", 400, "Missing parameter")]
    [InlineData("{\"requests\": [{\"operation\": \"search\", \"params\": {\"q\": \"x\"}}]}", "application/json", 400, "Invalid parameter")]
    [InlineData("{\"requests\": [\"10 rue des sapins\"]}", "application/json", 400, "Invalid parameter")]
    [InlineData("{\"params\": 3, \"requests\": []}", "application/json", 400, "Invalid parameter")]
    [InlineData("{\"requests\": []}", "text/plain", 415, "Unsupported media type")]
    [InlineData("{\"requests\": []}", null, 415, "Unsupported media type")]
    public async Task A_malformed_batch_is_refused_whole_with_an_addok_problem(string body, string? contentType, int status, string title)
    {
        var answer = await Geo.PostAsync(Client, "/batch", body, contentType);
        Geo.AssertError(answer, status, title);
        Assert.True(answer.Json.TryGetProperty("description", out _), answer.ToString());
    }

    [Theory]
    [InlineData("{\"requests\": [{\"id\": \"1\", \"operation\": \"geocode\", \"params\": {\"q\": \"\\ud800 rue des sapins\"}}]}")]
    [InlineData("{\"requests\": [{\"id\": \"\\udc00\", \"operation\": \"geocode\", \"params\": {\"q\": \"rue des sapins\"}}]}")]
    [InlineData("{\"params\": {\"citycode\": \"\u00ff\"}, \"requests\": [{\"id\": \"1\", \"operation\": \"geocode\", \"params\": {\"q\": \"rue des sapins\"}}]}")]
    public async Task A_string_that_is_not_text_is_an_invalid_json_400_not_a_500(string body)
    {
        // Latin-1 bytes: \u00ff goes out as the byte 0xFF (not UTF-8); \\ud800 is an escaped lone surrogate.
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var answer = await Geo.SendAsync(Client, new HttpRequestMessage(HttpMethod.Post, new Uri("/batch", UriKind.Relative)) { Content = content });
        Geo.AssertError(answer, 400, "Invalid JSON");
        Assert.Contains("not valid text", answer.Json.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_list_gets_an_empty_list()
    {
        var answer = await Geo.PostAsync(Client, "/batch", "{\"requests\": []}");
        Assert.Empty(Results(answer));
    }

    [Fact]
    public async Task Up_to_MaxBatchSize_requests_are_answered_and_one_more_is_a_400()
    {
        object Requests(int n) => new { requests = Enumerable.Range(0, n).Select(i => new { id = i, operation = "geocode", @params = new { q = $"{i % 40 + 1} rue des sapins pouembout" } }).ToArray() };

        var full = Results(await BatchAsync(Requests(100)));
        Assert.Equal(Enumerable.Range(0, 100), full.Select(static r => r.GetProperty("id").GetInt32()));

        var over = await BatchAsync(Requests(101));
        Geo.AssertError(over, 400, "Invalid parameter", "requests must not contains more than 100 items");
    }

    [Fact]
    public async Task A_body_over_BatchMaxBytes_is_a_413_declared_or_chunked()
    {
        string body = "{\"requests\": [], \"padding\": \"" + new string('x', 300 * 1024) + "\"}";
        var declared = await Geo.PostAsync(Client, "/batch", body);
        Assert.True(declared.Code == 413, declared.ToString());
        Assert.Equal("application/problem+json", declared.ContentType);

        using var client = fixture.Server.NewClient();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/batch", UriKind.Relative)) { Content = new ChunkedJson(body) };
        var chunked = await Geo.SendAsync(client, request);
        Assert.True(chunked.Code == 413, chunked.ToString());
        Assert.Equal("application/problem+json", chunked.ContentType);
    }

    [Fact]
    public async Task Preflight_allows_POST_from_any_origin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri("/batch", UriKind.Relative));
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
    }

    private static void AssertError(JsonElement item, int code, string? title, string? description)
    {
        Assert.Equal("error", item.GetProperty("status").GetString());
        Assert.Equal(code, item.GetProperty("code").GetInt32());
        Assert.False(item.TryGetProperty("result", out _));
        if (title is not null)
        {
            Assert.Equal(title, item.GetProperty("title").GetString());
        }

        Assert.False(string.IsNullOrEmpty(item.GetProperty("error").GetString()));
        if (description is not null)
        {
            Assert.Equal(description, item.GetProperty("error").GetString());
        }
    }

    /// <summary>JSON sent without a Content-Length (chunked), so only the server's reading limit can stop it.</summary>
    private sealed class ChunkedJson : HttpContent
    {
        private readonly byte[] _bytes;

        public ChunkedJson(string text)
        {
            _bytes = Encoding.UTF8.GetBytes(text);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
