using System.Net;
using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests.Geocoder;

/// <summary>The module's start (readiness with counts, a bad data file stops the process) and its public rate limit.</summary>
public sealed class GeocoderStartupTests
{
    [Fact]
    public async Task Readiness_lists_the_geocoder_with_its_document_counts()
    {
        await using var server = await GeocoderServer.StartAsync();
        var health = await Geo.GetAsync(server.Client, "/health/ready");

        Assert.True(health.Code == 200, health.ToString());
        var check = health.Json.GetProperty("checks").GetProperty("Geocoder");
        string? detail = check.GetProperty("description").GetString();
        Assert.StartsWith("204 documents, 2907 housenumbers,", detail, StringComparison.Ordinal);

        // The same figures as data a probe can read, by document type (Pouembout and Koné: 2 municipalities, 202 streets).
        var data = check.GetProperty("data");
        Assert.True(data.GetProperty("index_loaded").GetBoolean());
        Assert.Equal(204, data.GetProperty("documents").GetInt32());
        Assert.Equal(2, data.GetProperty("municipalities").GetInt32());
        Assert.Equal(202, data.GetProperty("streets").GetInt32());
        Assert.Equal(0, data.GetProperty("localities").GetInt32());
        Assert.Equal(2907, data.GetProperty("housenumbers").GetInt32());
        Assert.True(data.GetProperty("terms").GetInt32() > 0);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("garbage")]
    public async Task A_bad_data_file_makes_the_process_exit_3_with_one_line_naming_the_module_and_the_file(string kind)
    {
        using var directory = new TempDirectory();
        string file = kind == "missing"
            ? Path.Combine(directory.Path, "nope.ndjson.gz")
            : directory.Write("broken.ndjson", "{\"id\":\"1\",\"type\":\"street\",\"name\":\"Rue\"\nnot json\n");
        await using var child = ChildServer.StartBundled(new Dictionary<string, string> { ["GEOCODER_DATA"] = file });
        int exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(60));

        string[] stderr = child.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string context = $"exit {exitCode}; stderr:\n{child.Stderr}";
        Assert.True(exitCode == 3, context);
        Assert.True(stderr.Length == 1, context);
        Assert.Contains("module Geocoder", stderr[0], StringComparison.Ordinal);
        Assert.Contains(file, stderr[0], StringComparison.Ordinal);
    }

    /// <summary>The BAN's public budget: 50 requests a second per address, on by default (the tests elsewhere turn it off).</summary>
    [Fact]
    public async Task Searches_past_50_a_second_from_one_address_get_429()
    {
        await using var server = await GeocoderServer.StartAsync(rateLimits: true);
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 80; i++)
        {
            var response = await server.Client.GetAsync(new Uri("/search?q=pouembout", UriKind.Relative));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("\"description\":", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal); // Addok's member
            }
        }

        int ok = statuses.Count(static s => s == HttpStatusCode.OK);
        int limited = statuses.Count(static s => s == HttpStatusCode.TooManyRequests);
        Assert.True(ok + limited == statuses.Count, string.Join(",", statuses));
        Assert.True(ok >= 50, $"{ok} ok, {limited} limited"); // the burst, plus what refilled meanwhile
        Assert.True(limited > 0, $"{ok} ok, {limited} limited");
    }
}
