using System.Globalization;
using System.Text.Json;
using Crossroads.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Crossroads.Server.Tests;

/// <summary>
/// Random tables, random updates and random lookups over HTTP, each answer compared with <see cref="ReferenceTable"/>
/// (a linear scan). Seeds are fixed and printed; a failure names the seed and the request.
/// </summary>
public sealed class DifferentialTests(ITestOutputHelper output) : IDisposable
{
    private const int MaxMetric = 50; // small, so random metrics collide and next-hop tie-breaks happen often

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(20240601)]
    [InlineData(7)]
    public async Task Lookups_and_updates_agree_with_a_linear_scan_reference(int seed)
    {
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var reference = RandomTable.Create(random, 250, MaxMetric);
        await using var server = await RoutingServer.StartAsync(_directory, reference.ToFileText(), "--MAX_METRIC", MaxMetric.ToString(CultureInfo.InvariantCulture));
        var client = server.Client;

        var health = await Api.GetAsync(client, "/health");
        Assert.Equal(reference.Routes.Count, health.Json.GetProperty("routes_loaded").GetInt32());

        int found = 0, missing = 0, updated = 0, unmatched = 0;
        for (int step = 0; step < 150; step++)
        {
            var (prefix, nh, metric, match) = RandomUpdate(random, reference);
            int expected = reference.Update(prefix, nh, metric, match == "exact");
            var answer = await Api.UpdateAsync(client, prefix, nh, metric, match);
            string what = $"seed {seed} step {step}: PUT {prefix} nh {nh} metric {metric} match {match ?? "(default)"}";
            if (expected == 0)
            {
                Assert.True(answer.Code == 404, $"{what}: expected 404, got {answer}");
                unmatched++;
            }
            else
            {
                Assert.True(answer.Code == 200 && answer.UpdatedRoutes == expected, $"{what}: expected {expected} updated, got {answer}");
                updated++;
            }

            for (int i = 0; i < 6; i++)
            {
                string ip = i == 5 ? RandomTable.Cidr(random, reference) : RandomTable.Address(random, reference);
                bool hit = await AssertLookupAsync(client, reference, ip, $"seed {seed} step {step}");
                found += hit ? 1 : 0;
                missing += hit ? 0 : 1;
            }
        }

        output.WriteLine($"{updated} updates matched, {unmatched} matched nothing; {found} lookups found, {missing} not found");
        // The random mix must exercise both outcomes of both requests, or it tests less than it claims.
        Assert.True(updated > 20 && unmatched > 10 && found > 200 && missing > 20, $"{updated}/{unmatched}/{found}/{missing}");

        // Finally a batch of random addresses: one answer per address, in order, each as the reference says.
        var addresses = reference.Routes.Select(r => RandomTable.Address(random, reference)).Take(1000).ToList();
        var batch = await Api.PostJsonAsync(client, "/destinations", JsonSerializer.Serialize(addresses));
        Assert.Equal(200, batch.Code);
        var results = batch.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(addresses.Count, results.Count);
        for (int i = 0; i < addresses.Count; i++)
        {
            var want = reference.Lookup(addresses[i]);
            Assert.Equal(addresses[i], results[i].GetProperty("ip").GetString());
            if (want is null)
            {
                Assert.Equal(404, results[i].GetProperty("status").GetInt32());
                Assert.False(string.IsNullOrEmpty(results[i].GetProperty("error").GetString()));
            }
            else
            {
                Assert.True(results[i].GetProperty("status").GetInt32() == 200, $"{addresses[i]}: {results[i]}");
                Assert.Equal(want.PrefixText, results[i].GetProperty("dst").GetString());
                Assert.Equal(want.NextHopText, results[i].GetProperty("nh").GetString());
            }
        }
    }

    private static async Task<bool> AssertLookupAsync(HttpClient client, ReferenceTable reference, string ip, string context)
    {
        int slash = ip.IndexOf('/', StringComparison.Ordinal);
        var want = reference.Lookup(slash < 0 ? ip : ip[..slash]);
        string path = slash < 0 ? ip : ip.Replace("/", "%2F", StringComparison.Ordinal);
        var answer = await Api.LookupAsync(client, path);
        if (want is null)
        {
            Assert.True(answer.Code == 404, $"{context}: GET /destination/{ip}: expected 404, got {answer}");
            return false;
        }

        Assert.True(
            answer.Code == 200 && answer.Dst == want.PrefixText && answer.Nh == want.NextHopText,
            $"{context}: GET /destination/{ip}: expected {want}, got {answer}; candidates: {string.Join(", ", reference.Matching(ReferenceTable.ParseAddress(slash < 0 ? ip : ip[..slash]).V6, ReferenceTable.ParseAddress(slash < 0 ? ip : ip[..slash]).Value).Take(6))}");
        return true;
    }

    private static (string Prefix, string NextHop, int Metric, string? Match) RandomUpdate(Random random, ReferenceTable reference)
    {
        var route = reference.Routes[random.Next(reference.Routes.Count)];
        var pool = route.V6 ? RandomTable.V6NextHops : RandomTable.V4NextHops;
        string nh = random.Next(3) == 0 ? pool[random.Next(pool.Length)] : route.NextHopText;
        string prefix = route.PrefixText;
        int roll = random.Next(10);
        if (roll < 3)
        {
            // A covering prefix: orlonger reaches every nested route with that next hop.
            int length = random.Next(route.Length + 1);
            prefix = $"{ReferenceTable.Format(route.V6, route.Network & ReferenceTable.Mask(route.V6, length))}/{length}";
        }
        else if (roll == 3)
        {
            // A prefix inside the route (usually nothing there).
            int width = route.V6 ? 128 : 32;
            int length = Math.Min(width, route.Length + 1 + random.Next(4));
            UInt128 host = RandomTable.RandomBits(random, route.V6) & ~ReferenceTable.Mask(route.V6, route.Length);
            prefix = $"{ReferenceTable.Format(route.V6, (route.Network | host) & ReferenceTable.Mask(route.V6, length))}/{length}";
        }

        string? match = random.Next(3) switch { 0 => null, 1 => "exact", _ => "orlonger" };
        return (prefix, nh, 1 + random.Next(MaxMetric), match);
    }
}
