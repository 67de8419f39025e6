using System.ClientModel;
using System.Globalization;
using System.Net;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>Budgets per API key on the default SQLite store: 402 the SDK does not retry, and spend that survives a restart.</summary>
public sealed class KeyBudgetTests
{
    [Fact]
    public async Task An_exhausted_key_budget_is_a_402_naming_the_key_that_the_sdk_does_not_retry()
    {
        await using var router = await KeyedRouter.StartAsync("--ModelRouter:Keys:0:BudgetUsd=0.0001", "--ModelRouter:Keys:0:BudgetPeriod=daily");
        var (server, upstream) = (router.Server, router.Upstream);

        // No max_tokens: the reservation assumes DefaultMaxOutputTokens (1024 × $2/M = $0.002 > $0.0001).
        using var sent = new RequestCounter();
        var e = await Assert.ThrowsAsync<ClientResultException>(() => server.Chat("cheap", "secret-ci", sent).CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(402, e.Status);
        Assert.Contains("API key 'ci'", e.Message, StringComparison.Ordinal);
        Assert.Equal([402], sent.Statuses); // one request: the SDK did not retry
        Assert.Equal(0, upstream.Calls("cheap"));
    }

    [Fact]
    public async Task Spend_survives_a_restart_of_the_server_on_the_same_data_directory()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        // 200 prompt tokens reported: each request costs 200 × $1/M + 6 × $2/M = $0.000212 and reserves $0.000208.
        upstream.Model("cheap").PromptTokens = 200;
        using var data = new TempDirectory("crossroads-mr-spend-");
        string[] config = ModelRouterServer.TwoModels(upstream.BaseUrl, "--ModelRouter:Tenants:0:Id=acme", "--ModelRouter:Tenants:0:BudgetUsd=0.0005");

        await using (var first = await ModelRouterServer.StartInAsync(data.Path, config))
        {
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(HttpStatusCode.OK, await ChatAsAcmeAsync(first));
            }
        }

        Assert.True(File.Exists(Path.Combine(data.Path, "model-router.db")));
        await using var second = await ModelRouterServer.StartInAsync(data.Path, config);
        // $0.000424 spent before the restart; another $0.000208 would pass $0.0005. In memory it would have been forgotten.
        Assert.Equal(HttpStatusCode.PaymentRequired, await ChatAsAcmeAsync(second));
        Assert.Equal(2, upstream.Calls("cheap"));
    }

    [Fact]
    public async Task Fifty_concurrent_requests_of_one_key_against_a_budget_for_ten_never_spend_more_than_it()
    {
        const decimal budget = 0.0021m; // covers 10 reservations of $0.000208 in flight
        await using var router = await KeyedRouter.StartAsync("--ModelRouter:Keys:0:BudgetUsd=" + budget.ToString(CultureInfo.InvariantCulture));
        var (client, server, upstream) = (router.Client, router.Server, router.Upstream);
        router.Cheap.FirstTokenDelay = TimeSpan.FromMilliseconds(500);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 100));
            return (response.StatusCode, Id: Json.Header(response, "x-crossroads-decision-id"));
        }));

        var served = answers.Where(static a => a.StatusCode == HttpStatusCode.OK).ToList();
        Assert.All(answers, static a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.PaymentRequired, a.StatusCode.ToString()));
        Assert.InRange(served.Count, 10, 49); // 50 in flight at once: the budget must have refused some
        decimal billed = 0;
        foreach (var a in served)
        {
            billed += (await Json.GetAsync(server.Client, "/v1/decisions/" + a.Id)).GetProperty("billed_usd").GetDecimal();
        }

        Assert.True(billed <= budget, $"billed {billed} > budget {budget}");
        Assert.Equal(served.Count, upstream.Calls("cheap"));
    }

    [Fact]
    public async Task A_spend_store_that_cannot_open_answers_503_for_budgeted_requests_and_serves_the_others()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap");
        using var data = new TempDirectory("crossroads-mr-spend-");
        Directory.CreateDirectory(Path.Combine(data.Path, "model-router.db")); // a directory where the database file should be
        await using var server = await ModelRouterServer.StartInAsync(data.Path, ModelRouterServer.TwoModels(upstream.BaseUrl, "--ModelRouter:Tenants:0:Id=acme", "--ModelRouter:Tenants:0:BudgetUsd=1"));

        using var budgeted = await Json.PostAsTenantAsync(server.Client, "acme", Json.Chat("cheap", "hi", maxTokens: 10));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, budgeted.StatusCode);
        Assert.Equal("budget_store_unavailable", (await Json.ReadAsync(budgeted)).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(0, upstream.Calls("cheap"));

        using var free = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 10));
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
    }

    private static async Task<HttpStatusCode> ChatAsAcmeAsync(ModelRouterServer server)
    {
        using var response = await Json.PostAsTenantAsync(server.Client, "acme", Json.Chat("cheap", "hi", maxTokens: 100));
        return response.StatusCode;
    }
}
