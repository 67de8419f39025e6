using System.Globalization;
using System.Net;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>Budgets on PostgreSQL shared by two server instances: concurrent reservations on both never overspend.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresBudgetTests(PostgresServer postgres)
{
    [PostgresFact]
    public Task Fifty_concurrent_requests_split_over_two_replicas_against_a_budget_for_ten_never_spend_more_than_it() => FiftyOverTwoReplicasAsync(leases: true);

    [PostgresFact]
    public Task Without_leases_fifty_concurrent_requests_split_over_two_replicas_never_spend_more_than_the_budget() => FiftyOverTwoReplicasAsync(leases: false);

    private async Task FiftyOverTwoReplicasAsync(bool leases)
    {
        const decimal budget = 0.0021m; // covers 10 reservations of $0.000208 in flight
        string database = await postgres.CreateDatabaseAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").FirstTokenDelay = TimeSpan.FromMilliseconds(500);
        string[] config = ModelRouterServer.TwoModels(
            upstream.BaseUrl,
            "--ConnectionStrings:Crossroads=" + database,
            "--ModelRouter:Tenants:0:Id=acme",
            "--ModelRouter:Tenants:0:BudgetUsd=" + budget.ToString(CultureInfo.InvariantCulture),
            "--ModelRouter:BudgetLeases:Enabled=" + (leases ? "true" : "false"),
            "--ModelRouter:BudgetLeases:FlushMs=100");
        await using var a = await ModelRouterServer.StartAsync(config);
        await using var b = await ModelRouterServer.StartAsync(config);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            var server = i % 2 == 0 ? a : b;
            using var response = await Json.PostAsTenantAsync(server.Client, "acme", Json.Chat("cheap", "hi", maxTokens: 100));
            return (Server: server, response.StatusCode, Id: Json.Header(response, "x-crossroads-decision-id"));
        }));

        var served = answers.Where(static x => x.StatusCode == HttpStatusCode.OK).ToList();
        Assert.All(answers, static x => Assert.True(x.StatusCode is HttpStatusCode.OK or HttpStatusCode.PaymentRequired, x.StatusCode.ToString()));
        Assert.InRange(served.Count, 1, 49);
        Assert.Contains(answers, static x => x.StatusCode == HttpStatusCode.PaymentRequired); // the shared budget did refuse
        // Each replica alone could cover 10 in flight; together they must still stay within the one budget.
        decimal billed = 0;
        foreach (var x in served)
        {
            billed += (await Json.GetAsync(x.Server.Client, "/v1/decisions/" + x.Id)).GetProperty("billed_usd").GetDecimal();
        }

        Assert.True(billed <= budget, $"billed {billed} > budget {budget}");

        // The shared row holds exactly what both replicas billed, and nothing is left reserved: at once without leases;
        // with them once each replica's next renewals booked the spend and gave back the idle leases.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(leases ? 10 : 0);
        (decimal Spent, long Reserved) row;
        while ((row = await SharedRowAsync(database)) != (billed, 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal((billed, 0L), row);
    }

    [PostgresFact]
    public async Task Sigterm_books_what_the_leases_spent_and_gives_their_room_back()
    {
        string database = await postgres.CreateDatabaseAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap");
        using var data = new TempDirectory("crossroads-mr-lease-stop-");
        await using var server = ChildProcessServer.Start(new ChildProcessServerOptions
        {
            Dll = ChildProcessServer.DllBesideTests("Crossroads.Server.dll"),
            Arguments =
            [
                "--DATA_DIR", data.Path,
                "--Modules:ServiceRoutes:Enabled=false",
                "--RateLimits:Enabled=false",
                "--Shutdown:DrainDelaySeconds=0",
                .. ModelRouterServer.TwoModels(
                    upstream.BaseUrl,
                    "--ConnectionStrings:Crossroads=" + database,
                    "--ModelRouter:Tenants:0:Id=acme",
                    "--ModelRouter:Tenants:0:BudgetUsd=1",
                    "--ModelRouter:BudgetLeases:FlushMs=60000", // no periodic renewal: only stopping books the last spend
                    "--ModelRouter:BudgetLeases:GraceSeconds=120"),
            ],
        });
        await server.WaitUntilReadyAsync();
        using var client = server.NewClient();
        decimal billed = 0;
        for (int i = 0; i < 5; i++)
        {
            using var response = await Json.PostAsTenantAsync(client, "acme", Json.Chat("cheap", "hi", maxTokens: 100));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            billed += (await Json.GetAsync(client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"))).GetProperty("billed_usd").GetDecimal();
        }

        var before = await SharedRowAsync(database);
        Assert.True(before.Spent < billed, $"{before.Spent} of {billed} booked before stopping: the last request's spend waits for a renewal");
        Assert.True(before.Reserved > 0, "the lease holds room");

        server.Terminate();
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal((billed, 0L), await SharedRowAsync(database));
    }

    private static async Task<(decimal Spent, long Reserved)> SharedRowAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT spent, reserved FROM model_router_spend WHERE account = 'tenant:acme' AND period = 'total'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt64(0) / 1_000_000_000m, reader.GetInt64(1));
    }

    [PostgresFact]
    public async Task Get_key_shows_the_spend_booked_in_postgresql_before_and_after_a_request()
    {
        string database = await postgres.CreateDatabaseAsync();
        await using var router = await KeyedRouter.StartAsync([.. KeyInfoTests.BudgetedKey, "--ConnectionStrings:Crossroads=" + database]);
        await KeyInfoTests.AssertSpendBeforeAndAfterAsync(router);
    }
}
