using System.Collections.Concurrent;
using System.Text.Json;
using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests;

/// <summary>Lookups during a stream of updates see the table before or after each update, never anything else.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Parallel_lookups_during_metric_flips_only_ever_see_one_of_the_two_winners()
    {
        // 10.0.0.0/8 via 192.168.9.1 (fixed at metric 50) and 192.168.10.1 (flipping between 10 and 90):
        // at 10 the .10.1 route wins on metric, at 90 the .9.1 route does. 10.1.0.0/16 is never the answer for 10.9.x.x.
        // 2001:db8::/32 flips the same way between fe80::9 (fixed 50) and fe80::10.
        await using var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes, "--MAX_METRIC", "100");
        var client = server.Client;
        Api.AssertUpdated(await Api.UpdateAsync(client, "10.0.0.0/8", "192.168.9.1", 50, "exact"), 1);
        Api.AssertUpdated(await Api.UpdateAsync(client, "2001:db8::/32", "fe80::9", 50, "exact"), 1);

        const int Flips = 120;
        var seen = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var wrong = new ConcurrentQueue<string>();
        using var done = new CancellationTokenSource();

        async Task ReadAsync(int reader)
        {
            using var readerClient = RoutingServer.NewClient(server.BaseAddress);
            int i = 0;
            while (!done.IsCancellationRequested)
            {
                bool v6 = (i++ + reader) % 3 == 0;
                var answer = await Api.LookupAsync(readerClient, v6 ? "2001:db8:77::1" : "10.9.8.7");
                string key = $"{answer.Code} {answer.Dst} {answer.Nh}";
                bool valid = v6
                    ? key is "200 2001:db8::/32 fe80::9" or "200 2001:db8::/32 fe80::10"
                    : key is "200 10.0.0.0/8 192.168.9.1" or "200 10.0.0.0/8 192.168.10.1";
                if (!valid)
                {
                    wrong.Enqueue(answer.ToString());
                }

                seen.AddOrUpdate(key, 1, (_, n) => n + 1);
            }
        }

        async Task BatchAsync()
        {
            // One batch is one snapshot: the same address repeated must get the same answer throughout.
            using var batchClient = RoutingServer.NewClient(server.BaseAddress);
            string body = JsonSerializer.Serialize(Enumerable.Repeat("10.9.8.7", 200).Concat(Enumerable.Repeat("2001:db8:77::1", 200)));
            while (!done.IsCancellationRequested)
            {
                var answer = await Api.PostJsonAsync(batchClient, "/destinations", body);
                var results = answer.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("nh").GetString()).ToList();
                if (results.Take(200).Distinct().Count() != 1 || results.Skip(200).Distinct().Count() != 1)
                {
                    wrong.Enqueue("mixed batch: " + string.Join(",", results.Distinct()));
                }
            }
        }

        var readers = Enumerable.Range(0, 3).Select(ReadAsync).Append(BatchAsync()).ToList();
        try
        {
            for (int flip = 0; flip < Flips; flip++)
            {
                int metric = flip % 2 == 0 ? 10 : 90;
                Api.AssertUpdated(await Api.UpdateAsync(client, "10.0.0.0/8", "192.168.10.1", metric, "exact"), 1);
                Api.AssertUpdated(await Api.UpdateAsync(client, "2001:db8::/32", "fe80::10", metric, "exact"), 1);
            }
        }
        finally
        {
            await done.CancelAsync();
            await Task.WhenAll(readers);
        }

        Assert.True(wrong.IsEmpty, $"{wrong.Count} invalid answers, e.g. {string.Join(" | ", wrong.Take(5))}");
        Assert.True(seen.Values.Sum() > 100, $"only {seen.Values.Sum()} lookups ran");
        // Both winners were observed, so the lookups really overlapped the flips.
        Assert.True(seen.ContainsKey("200 10.0.0.0/8 192.168.9.1") && seen.ContainsKey("200 10.0.0.0/8 192.168.10.1"), string.Join(", ", seen));
        // Last flip (119, odd) set metric 90: the fixed routes at 50 win.
        Api.AssertRoute(await Api.LookupAsync(client, "10.9.8.7"), "10.0.0.0/8", "192.168.9.1");
        Api.AssertRoute(await Api.LookupAsync(client, "2001:db8:77::1"), "2001:db8::/32", "fe80::9");
        Assert.Equal(2 + (2 * Flips), (await Api.GetAsync(client, "/health")).Json.GetProperty("table_version").GetInt64());
    }

    [Fact]
    public async Task Concurrent_updates_are_all_applied_and_all_journaled()
    {
        // One writer per route, all at once, each setting a distinct metric on its route; afterwards (and after a restart) every route
        // has its metric. Routes: the 13 of the hand-made table, updated exact by (prefix, next hop).
        string[] routes = [.. HandMadeTable.Routes.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#')];
        Assert.Equal(HandMadeTable.RouteCount, routes.Length);
        var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes);
        try
        {
            await Task.WhenAll(routes.Select(async (line, i) =>
            {
                using var writer = RoutingServer.NewClient(server.BaseAddress);
                string[] parts = line.Split(';');
                Api.AssertUpdated(await Api.UpdateAsync(writer, parts[0], parts[1], 100 + i, "exact"), 1);
            }));

            for (int restart = 0; restart < 2; restart++)
            {
                var page = await Api.GetAsync(server.Client, "/routes?limit=100");
                var metrics = page.Json.GetProperty("routes").EnumerateArray()
                    .ToDictionary(r => $"{r.GetProperty("prefix").GetString()};{r.GetProperty("nh").GetString()}", r => r.GetProperty("metric").GetInt32(), StringComparer.Ordinal);
                for (int i = 0; i < routes.Length; i++)
                {
                    Assert.Equal(100 + i, metrics[routes[i]]);
                }

                server = await server.RestartAsync();
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
