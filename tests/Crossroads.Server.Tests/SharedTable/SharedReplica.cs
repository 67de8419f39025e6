using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests.SharedTable;

/// <summary>
/// The built server as a replica of the shared routing table: a child process with a routes file, a DATA_DIR of its
/// own (the journal must play no part) and the PostgreSQL database, the other modules switched off.
/// </summary>
internal static class SharedReplica
{
    public static ChildProcessServer Start(string routesFile, string database, TempDirectory data, params string[] extra) =>
        ChildProcessServer.Start(new ChildProcessServerOptions
        {
            Dll = ChildProcessServer.DllBesideTests("Crossroads.Server.dll"),
            // Two-core machines shared with other builds: a start has taken over 30 s here.
            ReadinessTimeout = TimeSpan.FromSeconds(90),
            Arguments =
            [
                "--ROUTES_FILE", routesFile,
                "--DATA_DIR", data.Subdirectory("replica-" + Guid.NewGuid().ToString("N")[..8]),
                "--RateLimits:Enabled", "false",
                "--Shutdown:DrainDelaySeconds", "0",
                "--ConnectionStrings:Crossroads=" + database,
                "--Modules:ServiceRoutes:Enabled=false",
                "--Modules:ModelRouter:Enabled=false",
                "--Modules:Geocoder:Enabled=false",
                "--Logging:LogLevel:Default=Warning",
                .. extra,
            ],
        });

    /// <summary>Starts the replicas together (each start is mostly waiting) and waits until all are ready.</summary>
    public static async Task<ChildProcessServer[]> StartReadyAsync(int count, string routesFile, string database, TempDirectory data, params string[] extra)
    {
        var replicas = Enumerable.Range(0, count).Select(_ => Start(routesFile, database, data, extra)).ToArray();
        try
        {
            await Task.WhenAll(replicas.Select(static r => r.WaitUntilReadyAsync()));
            return replicas;
        }
        catch
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }

            throw;
        }
    }

    public static async Task<long> TableVersionAsync(ChildProcessServer replica) =>
        (await Api.GetAsync(replica.Client, "/health")).Json.GetProperty("table_version").GetInt64();

    /// <summary>Every route of <c>GET /routes</c>, all pages, as the JSON text of each page's route list.</summary>
    public static async Task<List<string>> AllRoutesAsync(ChildProcessServer replica)
    {
        var pages = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Api.GetAsync(replica.Client, "/routes?limit=1000" + (cursor is null ? "" : "&cursor=" + cursor));
            Assert.Equal(200, page.Code);
            pages.Add(page.Json.GetProperty("routes").GetRawText());
            cursor = page.Json.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);
        return pages;
    }
}
