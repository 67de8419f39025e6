using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests;

/// <summary>Accepted updates survive a restart (clean stop, and SIGKILL right after the 200).</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Updates_survive_a_clean_restart_on_the_same_data_dir()
    {
        var server = await RoutingServer.StartAsync(_directory, HandMadeTable.Routes);
        try
        {
            // 10.9.9.9: 192.168.10.1 at 5 beats 192.168.9.1 at MAX. 10.1.9.9: 192.168.2.1 at 3 beats the others at MAX.
            Api.AssertUpdated(await Api.UpdateAsync(server.Client, "10.0.0.0/8", "192.168.10.1", 5, "exact"), 1);
            Api.AssertUpdated(await Api.UpdateAsync(server.Client, "10.1.0.0/16", "192.168.2.1", 3), 1);
            // Later updates win over earlier ones on replay: 172.16.0.1 at 9 then at 2 in the /24 → 2 beats 192.168.3.1 at MAX either way,
            // and in the /16 172.16.0.1 goes to 2 (orlonger), beating 192.168.2.1 at 3.
            Api.AssertUpdated(await Api.UpdateAsync(server.Client, "10.1.0.0/16", "172.16.0.1", 9), 2);
            Api.AssertUpdated(await Api.UpdateAsync(server.Client, "10.1.0.0/16", "172.16.0.1", 2), 2);
            Api.AssertUpdated(await Api.UpdateAsync(server.Client, "2001:db8::/32", "fe80::10", 1, "exact"), 1);
            Api.AssertProblem(await Api.UpdateAsync(server.Client, "192.0.2.0/24", "192.168.10.1", 1), 404);
            long version = (await Api.GetAsync(server.Client, "/health")).Json.GetProperty("table_version").GetInt64();
            Assert.Equal(5, version);

            Assert.True(File.Exists(Path.Combine(server.DataDirectory, "routes.txt.journal")), "the journal is <DATA_DIR>/<routes file name>.journal");

            server = await server.RestartAsync();

            Api.AssertRoute(await Api.LookupAsync(server.Client, "10.9.9.9"), "10.0.0.0/8", "192.168.10.1");
            Api.AssertRoute(await Api.LookupAsync(server.Client, "10.1.9.9"), "10.1.0.0/16", "172.16.0.1");
            Api.AssertRoute(await Api.LookupAsync(server.Client, "2001:db8:5::1"), "2001:db8::/32", "fe80::10");
            var explain = await Api.GetAsync(server.Client, "/destination/10.1.9.9/explain");
            var metrics = explain.Json.GetProperty("routes").EnumerateArray()
                .Select(r => $"{r.GetProperty("prefix").GetString()} {r.GetProperty("nh").GetString()} {r.GetProperty("metric").GetInt32()}").ToList();
            Assert.Equal(
                ["10.1.0.0/16 172.16.0.1 2", "10.1.0.0/16 192.168.2.1 3", "10.1.0.0/16 192.168.1.1 32768", "10.0.0.0/8 192.168.10.1 5", "10.0.0.0/8 192.168.9.1 32768"],
                metrics);

            // And a further update after the restart is journaled after the replayed ones.
            Api.AssertUpdated(await Api.UpdateAsync(server.Client, "10.0.0.0/8", "192.168.10.1", 32768, "exact"), 1);
            server = await server.RestartAsync();
            Api.AssertRoute(await Api.LookupAsync(server.Client, "10.9.9.9"), "10.0.0.0/8", "192.168.9.1");
            Api.AssertRoute(await Api.LookupAsync(server.Client, "10.1.9.9"), "10.1.0.0/16", "172.16.0.1");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Another_data_dir_starts_from_the_routes_file_alone()
    {
        string routes = _directory.Write("routes.txt", HandMadeTable.Routes);
        await using (var first = await RoutingServer.StartAsync(routes, _directory.Subdirectory("a")))
        {
            Api.AssertUpdated(await Api.UpdateAsync(first.Client, "10.0.0.0/8", "192.168.10.1", 5, "exact"), 1);
        }

        await using var second = await RoutingServer.StartAsync(routes, _directory.Subdirectory("b"));
        Api.AssertRoute(await Api.LookupAsync(second.Client, "10.9.9.9"), "10.0.0.0/8", "192.168.9.1");
    }

    [Fact]
    public async Task Update_acknowledged_with_200_survives_sigkill()
    {
        string routes = _directory.Write("routes.txt", HandMadeTable.Routes);
        string data = _directory.Subdirectory("data");

        await using (var child = ChildServer.Start(routes, data))
        {
            await child.WaitUntilReadyAsync();
            Api.AssertRoute(await Api.LookupAsync(child.Client, "10.9.9.9"), "10.0.0.0/8", "192.168.9.1");
            Api.AssertUpdated(await Api.UpdateAsync(child.Client, "10.1.0.0/16", "192.168.2.1", 4), 1);
            // The last acknowledged update is followed at once by SIGKILL: no graceful shutdown, no flush on exit.
            Api.AssertUpdated(await Api.UpdateAsync(child.Client, "10.0.0.0/8", "192.168.10.1", 7, "exact"), 1);
            await child.KillAsync();
        }

        await using (var restarted = ChildServer.Start(routes, data))
        {
            await restarted.WaitUntilReadyAsync();
            Api.AssertRoute(await Api.LookupAsync(restarted.Client, "10.9.9.9"), "10.0.0.0/8", "192.168.10.1");
            Api.AssertRoute(await Api.LookupAsync(restarted.Client, "10.1.9.9"), "10.1.0.0/16", "192.168.2.1");
        }
    }
}
