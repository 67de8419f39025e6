using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crossroads.RoutingTable.Addressing;
using Crossroads.Server.RoutingTable;
using Crossroads.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Crossroads.Server.Tests;

/// <summary>
/// <c>POST /destinations</c> writes its answer by hand (Utf8JsonReader/Utf8JsonWriter, no per-address objects); these
/// check it byte for byte against what serializing <see cref="BatchResponse"/> of the documented per-item rules gives,
/// and the body errors that must stay 400 problems.
/// </summary>
public sealed class BatchLookupTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 777;
    private const int MaxMetric = 20;

    // What the framework's JSON result used: web defaults, the default (escaping) encoder.
    private static readonly JsonSerializerOptions Expected = new(JsonSerializerDefaults.Web);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Batch_answer_is_byte_identical_to_the_serialized_per_item_rules()
    {
        output.WriteLine($"seed {Seed}");
        var random = new Random(Seed);
        var reference = RandomTable.Create(random, 200, MaxMetric);
        await using var server = await RoutingServer.StartAsync(_directory, reference.ToFileText(), "--MAX_METRIC", MaxMetric.ToString(CultureInfo.InvariantCulture));
        foreach (var route in reference.Routes.Where(_ => random.Next(3) == 0).ToList())
        {
            int metric = 1 + random.Next(MaxMetric);
            Assert.Equal(1, reference.Update(route.PrefixText, route.NextHopText, metric, exact: true));
            Api.AssertUpdated(await Api.UpdateAsync(server.Client, route.PrefixText, route.NextHopText, metric, "exact"), 1);
        }

        string[] odd =
        [
            "abc", "", " 10.0.0.1", "10.0.0.1 ", "01.2.3.4", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/33", "10.0.0.1/8", "::ffff:10.0.0.1",
            "2001:DB8::1", "::", "0.0.0.0", "0.0.0.0/0", "::/0", "fe80::1%eth0", "é", "<b>&'\"\\", "1.2.3.4\n", "１.2.3.4", "\u0000",
        ];
        for (int round = 0; round < 3; round++)
        {
            var texts = new List<string?>();
            for (int i = 0; i < 1000; i++)
            {
                int pick = random.Next(20);
                texts.Add(pick switch
                {
                    0 => odd[random.Next(odd.Length)],
                    1 => RandomTable.Cidr(random, reference),
                    2 when random.Next(10) == 0 => null,
                    _ => RandomTable.Address(random, reference),
                });
            }

            // Some items written with JSON escapes: the address is what the string means, not how it is spelt.
            var body = new StringBuilder("[");
            for (int i = 0; i < texts.Count; i++)
            {
                body.Append(i == 0 ? string.Empty : ",");
                body.Append(texts[i] is { Length: > 0 } t && char.IsAsciiLetterOrDigit(t[0]) && random.Next(10) == 0
                    ? "\"\\u" + ((int)t[0]).ToString("x4", CultureInfo.InvariantCulture) + JsonSerializer.Serialize(t)[2..]
                    : JsonSerializer.Serialize(texts[i]));
            }

            var answer = await Api.PostJsonAsync(server.Client, "/destinations", body.Append(']').ToString());
            Assert.Equal(200, answer.Code);
            Assert.Equal("application/json", answer.ContentType);
            Assert.Equal(Encoding.UTF8.GetByteCount(answer.Body), answer.Response.Content.Headers.ContentLength);
            string expected = JsonSerializer.Serialize(new BatchResponse(texts.Select(t => ExpectedItem(reference, t)).ToList()), Expected);
            if (expected != answer.Body)
            {
                int at = Enumerable.Range(0, Math.Min(expected.Length, answer.Body.Length)).FirstOrDefault(i => expected[i] != answer.Body[i]);
                Assert.Fail($"round {round}: answers differ at {at}: expected ...{Around(expected, at)}..., got ...{Around(answer.Body, at)}...");
            }
        }
    }

    [Fact]
    public async Task Batch_mixes_families_and_answers_empty_and_single_item_bodies()
    {
        await using var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes);
        var mixed = await Api.PostJsonAsync(server.Client, "/destinations", """[ "2001:db8:5::1" , "10.1.2.3","11.0.0.1","2001:db9::1" ]""");
        Assert.Equal(
            """{"results":[{"ip":"2001:db8:5::1","status":200,"dst":"2001:db8::/32","nh":"fe80::9"},{"ip":"10.1.2.3","status":200,"dst":"10.1.2.0/24","nh":"172.16.0.1"},{"ip":"11.0.0.1","status":404,"error":"no route to 11.0.0.1"},{"ip":"2001:db9::1","status":404,"error":"no route to 2001:db9::1"}]}""",
            mixed.Body);
        Assert.Equal("""{"results":[]}""", (await Api.PostJsonAsync(server.Client, "/destinations", " [ ] ")).Body);
        var invalid = await Api.PostJsonAsync(server.Client, "/destinations", """["zzz", null, "10.0.0.0/8"]""");
        Assert.Equal(
            """{"results":[{"ip":"zzz","status":400,"error":"\u0027zzz\u0027 is not a valid IPv4 or IPv6 address"},{"ip":"","status":400,"error":"\u0027\u0027 is not a valid IPv4 or IPv6 address"},{"ip":"10.0.0.0/8","status":200,"dst":"10.0.0.0/8","nh":"192.168.9.1"}]}""",
            invalid.Body);
    }

    [Theory]
    [InlineData("[[\"10.0.0.1\"]]")]
    [InlineData("[\"10.0.0.1\"] [\"10.0.0.2\"]")]
    [InlineData("[\"10.0.0.1\"] x")]
    [InlineData("[\"10.0.0.1\",]")]
    [InlineData("[\"10.0.0.1\" /* comment */]")]
    [InlineData("{}")]
    [InlineData("true")]
    [InlineData("12")]
    [InlineData("[\"10.0.0.1\", {\"ip\": \"10.0.0.2\"}]")]
    [InlineData("[\"10.0.0.1\", false]")]
    [InlineData("[\"1.1.1.1\",\"1.1.1.2\",\"1.1.1.3\",\"1.1.1.4\",\"1.1.1.5\",\"1.1.1.6\",\"1.1.1.7\"]")]
    [InlineData("[\"1.1.1.1\",\"1.1.1.2\",\"1.1.1.3\",\"1.1.1.4\",\"1.1.1.5\",\"1.1.1.6\",\"1.1.1.7\"")]
    [InlineData("   ")]
    public async Task Malformed_or_oversized_batch_body_is_400_problem(string body)
    {
        await using var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes, "--RoutingTable:MaxBatchSize", "5");
        Api.AssertProblem(await Api.PostJsonAsync(server.Client, "/destinations", body), 400);
    }

    [Fact]
    public async Task Oversized_batch_problem_names_the_count_and_the_limit()
    {
        await using var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes, "--RoutingTable:MaxBatchSize", "3");
        var answer = await Api.PostJsonAsync(server.Client, "/destinations", """["1.1.1.1","1.1.1.2","1.1.1.3","x","y"]""");
        Api.AssertProblem(answer, 400);
        Assert.Equal("the batch has 5 addresses; at most 3 are allowed", answer.Json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Body_that_is_not_valid_utf8_is_400_problem()
    {
        await using var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes);
        using var content = new ByteArrayContent([(byte)'[', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)']']);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await server.Client.PostAsync(new Uri("/destinations", UriKind.Relative), content);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    // The documented per-item rules, from the library's public parsers and the reference table.
    private static BatchItem ExpectedItem(ReferenceTable reference, string? input)
    {
        string text = input ?? string.Empty;
        IpAddress address;
        if (!IpAddress.TryParse(text, out address))
        {
            if (!text.Contains('/', StringComparison.Ordinal))
            {
                return new BatchItem(text, 400, null, null, $"'{text}' is not a valid IPv4 or IPv6 address");
            }

            if (!IpPrefix.TryParse(text, out var prefix, out string? error))
            {
                return new BatchItem(text, 400, null, null, error);
            }

            address = prefix.Network;
        }

        var matching = reference.Matching(address.IsV6, address.Value);
        return matching.Count == 0
            ? new BatchItem(text, 404, null, null, $"no route to {address}")
            : new BatchItem(text, 200, matching[0].PrefixText, matching[0].NextHopText, null);
    }

    private static string Around(string text, int at) => text.Substring(Math.Max(0, at - 80), Math.Min(160, text.Length - Math.Max(0, at - 80)));
}
