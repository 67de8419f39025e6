using System.Collections.Concurrent;
using System.Diagnostics;

namespace Crossroads.Server.Tests.Geocoder;

/// <summary>
/// The index file's life in the server: a restart maps the existing index instead of importing again, and a new data
/// file is imported and swapped in under search load without a failed request, answers moving from old to new.
/// </summary>
public sealed class GeocoderIndexSwapTests
{
    private const string Old =
        """{"id":"99001_old","type":"street","name":"Rue des Lilas","postcode":"99001","citycode":"99001","city":"Villeneuve","lat":45.1,"lon":4.2,"importance":0.5,"housenumbers":{"3":{"id":"99001_old_00003","lat":45.1001,"lon":4.2001}}}""";

    private const string New =
        """{"id":"99001_new","type":"street","name":"Rue des Lilas","postcode":"99001","citycode":"99001","city":"Villeneuve","lat":45.2,"lon":4.3,"importance":0.5,"housenumbers":{"5":{"id":"99001_new_00005","lat":45.2001,"lon":4.3001}}}""";

    [Fact]
    public async Task A_restart_maps_the_existing_index_file_instead_of_importing()
    {
        using var directory = new TempDirectory("crossroads-geo-restart-");
        string[] arguments = ["--DATA_DIR", directory.Path];
        await using (var first = await GeocoderServer.StartAsync(false, arguments))
        {
            Assert.Contains("(imported in", await ReadinessAsync(first), StringComparison.Ordinal);
        }

        Assert.Single(Directory.GetFiles(directory.Path, "geocoder-sample.*.geoidx"));
        await using var second = await GeocoderServer.StartAsync(false, arguments);
        Assert.Contains("(index file mapped in", await ReadinessAsync(second), StringComparison.Ordinal);
        var answer = await Geo.GetAsync(second.Client, "/search?q=pouembout&type=municipality");
        Assert.Equal("Pouembout", answer.Properties(0).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_new_data_file_is_swapped_in_under_search_load_without_a_failed_request()
    {
        using var data = new TempDirectory("crossroads-geo-swap-");
        string file = data.Write("swap.ndjson", Old + "\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-1));
        await using var server = await GeocoderServer.StartAsync(false, "--Geocoder:DataFile", file, "--Geocoder:WatchSeconds", "1");
        var started = DateTime.UtcNow;

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            using var client = server.NewClient();
            var seen = new List<string>();
            while (!stop.IsCancellationRequested)
            {
                var answer = await Geo.GetAsync(client, "/search?q=rue+des+lilas+villeneuve");
                if (answer.Code != 200 || answer.Features.Length == 0)
                {
                    failures.Enqueue(answer.ToString());
                    continue;
                }
                seen.Add(answer.Properties(0).GetProperty("id").GetString()!);
            }
            return seen;
        })).ToArray();

        // Let the load run on the old index, then replace the data file the safe way (write beside, rename over). Its
        // time is set newer than the live index file yet older than the watcher's settle delay.
        await Task.Delay(TimeSpan.FromSeconds(3));
        File.Move(data.Write("swap.ndjson.next", New + "\n"), file, overwrite: true);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(-1.5));
        Assert.True(File.GetLastWriteTimeUtc(file) > started);

        var clock = Stopwatch.StartNew();
        using (var probe = server.NewClient())
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                var answer = await Geo.GetAsync(probe, "/search?q=rue+des+lilas+villeneuve");
                if (answer.Code == 200 && answer.Features.Length > 0 && answer.Properties(0).GetProperty("id").GetString() == "99001_new")
                {
                    break;
                }
                await Task.Delay(100);
            }
        }
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // more load on the new index
        await stop.CancelAsync();
        var sequences = await Task.WhenAll(workers);

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(5)));
        foreach (var seen in sequences)
        {
            // Each client sees the old answer, then the new one, never back.
            int firstNew = seen.IndexOf("99001_new");
            Assert.True(firstNew > 0, $"old {seen.Count(id => id == "99001_old")}, new {seen.Count(id => id == "99001_new")}");
            Assert.All(seen.Take(firstNew), id => Assert.Equal("99001_old", id));
            Assert.All(seen.Skip(firstNew), id => Assert.Equal("99001_new", id));
        }
        var health = await Geo.GetAsync(server.Client, "/health/ready");
        Assert.Equal(200, health.Code);
    }

    private static async Task<string> ReadinessAsync(GeocoderServer server)
    {
        var health = await Geo.GetAsync(server.Client, "/health/ready");
        return health.Json.GetProperty("checks").GetProperty("Geocoder").GetProperty("description").GetString() ?? "";
    }
}
