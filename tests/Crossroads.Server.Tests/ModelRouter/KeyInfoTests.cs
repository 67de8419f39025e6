using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary><c>GET /v1/key</c>: the calling key's limits and the spend of it and its tenant, as the budgets book it.</summary>
public sealed class KeyInfoTests
{
    /// <summary>Key <c>ci</c> (rpm 2, tpm 50,000, $0.5 a day) of tenant <c>acme</c> ($1 a month).</summary>
    internal static readonly string[] BudgetedKey =
    [
        "--ModelRouter:Tenants:0:Id=acme", "--ModelRouter:Tenants:0:BudgetUsd=1", "--ModelRouter:Tenants:0:BudgetPeriod=monthly",
        "--ModelRouter:Keys:0:Tenant=acme", "--ModelRouter:Keys:0:Rpm=2", "--ModelRouter:Keys:0:Tpm=50000",
        "--ModelRouter:Keys:0:BudgetUsd=0.5", "--ModelRouter:Keys:0:BudgetPeriod=daily",
    ];

    [Fact]
    public async Task Spend_of_the_key_and_its_tenant_is_shown_before_and_after_a_request_as_the_decision_billed_it()
    {
        await using var router = await KeyedRouter.StartAsync(BudgetedKey);
        await AssertSpendBeforeAndAfterAsync(router);
    }

    [Fact]
    public async Task A_request_without_a_key_is_answered_for_the_anonymous_key_with_no_limits_or_budget()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        var data = (await Json.GetAsync(server.Client, "/v1/key")).GetProperty("data");
        Assert.Equal("anonymous", data.GetProperty("key").GetString());
        Assert.False(data.GetProperty("authenticated").GetBoolean());
        Assert.Equal("default", data.GetProperty("tenant").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("rate_limit").GetProperty("rpm").ValueKind);
        Assert.Equal(JsonValueKind.Null, data.GetProperty("rate_limit").GetProperty("remaining_requests").ValueKind);
        Assert.Equal(JsonValueKind.Null, data.GetProperty("budget").ValueKind);
        Assert.Equal(JsonValueKind.Null, data.GetProperty("tenant_budget").ValueKind);

        // As for the model endpoints, an unauthenticated client's tenant is its header when no anonymous entry pins one.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/key");
        request.Headers.Add("X-Crossroads-Tenant", "acme");
        using var response = await server.Client.SendAsync(request);
        Assert.Equal("acme", (await Json.ReadAsync(response)).GetProperty("data").GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task A_spend_store_that_cannot_open_is_a_503_problem_for_a_key_with_a_budget()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        using var data = new TempDirectory("crossroads-mr-key-");
        Directory.CreateDirectory(Path.Combine(data.Path, "model-router.db")); // a directory where the database file should be
        await using var server = await ModelRouterServer.StartInAsync(data.Path, ModelRouterServer.TwoModels(upstream.BaseUrl, [.. ModelRouterServer.ApiKey(0, "ci"), "--ModelRouter:Keys:0:Name=ci", .. BudgetedKey]));
        using var client = server.ClientWithKey("secret-ci");

        using var response = await client.GetAsync(new Uri("/v1/key", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("budget_store_unavailable", (await Json.ReadAsync(response)).GetProperty("error").GetProperty("code").GetString());
    }

    /// <summary>
    /// Before: nothing spent, the whole budgets remain. After one request: the key and the tenant each show exactly the
    /// decision's billed USD as spent and nothing reserved, and the key's windows one request less. Reading does not
    /// spend the key's rpm (three reads, then the request is still admitted within rpm 2).
    /// </summary>
    internal static async Task AssertSpendBeforeAndAfterAsync(KeyedRouter router)
    {
        var before = await KeyAsync(router);
        Assert.Equal("ci", before.GetProperty("key").GetString());
        Assert.True(before.GetProperty("authenticated").GetBoolean());
        Assert.Equal("acme", before.GetProperty("tenant").GetString());
        Assert.Equal(2, before.GetProperty("rate_limit").GetProperty("rpm").GetInt32());
        Assert.Equal(50_000, before.GetProperty("rate_limit").GetProperty("tpm").GetInt32());
        Assert.Equal(2, before.GetProperty("rate_limit").GetProperty("remaining_requests").GetInt64());
        Assert.Equal(50_000, before.GetProperty("rate_limit").GetProperty("remaining_tokens").GetInt64());
        var keyBudget = before.GetProperty("budget");
        Assert.Equal(0.5m, keyBudget.GetProperty("limit_usd").GetDecimal());
        Assert.Equal("daily", keyBudget.GetProperty("period").GetString());
        var today = DateTimeOffset.UtcNow.UtcDateTime.Date;
        Assert.Equal(new DateTimeOffset(today, TimeSpan.Zero), keyBudget.GetProperty("period_start").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(today.AddDays(1), TimeSpan.Zero), keyBudget.GetProperty("period_end").GetDateTimeOffset());
        Assert.Equal((0m, 0m, 0.5m), Spend(keyBudget));
        var tenantBudget = before.GetProperty("tenant_budget");
        Assert.Equal("monthly", tenantBudget.GetProperty("period").GetString());
        Assert.Equal(new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero), tenantBudget.GetProperty("period_start").GetDateTimeOffset());
        Assert.Equal((0m, 0m, 1m), Spend(tenantBudget));
        await KeyAsync(router);

        using var served = await Json.PostAsync(router.Client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 10));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var billed = (await Json.GetAsync(router.Server.Client, "/v1/decisions/" + Json.Header(served, "x-crossroads-decision-id"))).GetProperty("billed_usd").GetDecimal();
        Assert.True(billed > 0);

        var after = await KeyAsync(router);
        // One request of rpm 2 taken (a whole one refills in 30 s). Its few tokens refill within milliseconds at
        // 50,000 a minute, so the token window is checked in the limiter's unit tests, on a manual clock.
        Assert.Equal(1, after.GetProperty("rate_limit").GetProperty("remaining_requests").GetInt64());
        Assert.Equal((billed, 0m, 0.5m - billed), Spend(after.GetProperty("budget")));
        Assert.Equal((billed, 0m, 1m - billed), Spend(after.GetProperty("tenant_budget")));
    }

    private static async Task<JsonElement> KeyAsync(KeyedRouter router)
    {
        using var response = await router.Client.GetAsync(new Uri("/v1/key", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await Json.ReadAsync(response)).GetProperty("data");
    }

    private static (decimal Spent, decimal Reserved, decimal Remaining) Spend(JsonElement budget) =>
        (budget.GetProperty("spent_usd").GetDecimal(), budget.GetProperty("reserved_usd").GetDecimal(), budget.GetProperty("remaining_usd").GetDecimal());
}
