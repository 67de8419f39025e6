using System.ClientModel;
using System.Net;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>Budgets are reserved before the call and settled after: concurrency cannot overspend; exhaustion is a 402.</summary>
public sealed class BudgetTests
{
    // "hi" is 8 prompt tokens (1 + 3 + 4 of chat overhead); max_tokens 100 at $2/M out and $1/M in on 'cheap':
    // each request reserves 8e-6 + 200e-6 = $0.000208, so $0.0021 covers 10 requests in flight.
    private const decimal Budget = 0.0021m;

    [Fact]
    public async Task Fifty_concurrent_requests_against_a_budget_for_ten_never_spend_more_than_it()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").FirstTokenDelay = TimeSpan.FromMilliseconds(800);
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(
            upstream.BaseUrl,
            "--ModelRouter:Tenants:0:Id=acme",
            "--ModelRouter:Tenants:0:BudgetUsd=" + Budget.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
            {
                Content = System.Net.Http.Json.JsonContent.Create(Json.Chat("cheap", "hi", maxTokens: 100)),
            };
            request.Headers.Add("X-Crossroads-Tenant", "acme");
            using var response = await server.Client.SendAsync(request);
            return (response.StatusCode, Id: Json.Header(response, "x-crossroads-decision-id"), Retry: response.Headers.TryGetValues("x-should-retry", out var r) ? r.First() : null, Body: await response.Content.ReadAsStringAsync());
        }));

        var ok = responses.Where(static r => r.StatusCode == HttpStatusCode.OK).ToList();
        var refused = responses.Where(static r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.InRange(ok.Count, 10, 50);
        Assert.All(refused, static r =>
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, r.StatusCode);
            Assert.Equal("false", r.Retry);
            Assert.Contains("\"code\":\"budget_exceeded\"", r.Body, StringComparison.Ordinal);
            Assert.Contains("\"type\":\"insufficient_quota\"", r.Body, StringComparison.Ordinal);
        });

        decimal billed = 0;
        foreach (var r in ok)
        {
            billed += (await Json.GetAsync(server.Client, "/v1/decisions/" + r.Id)).GetProperty("billed_usd").GetDecimal();
        }

        Assert.True(billed <= Budget, $"billed {billed} > budget {Budget}");
        // The upstream was asked for at most what was reserved.
        Assert.All(upstream.Bodies, static b => Assert.Contains("\"max_tokens\":100", b, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_exhausted_budget_is_a_402_the_sdk_reports_without_retrying()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(
            upstream.BaseUrl,
            "--ModelRouter:Tenants:0:Id=default",
            "--ModelRouter:Tenants:0:BudgetUsd=0.0001"));

        // No max_tokens: the reservation assumes DefaultMaxOutputTokens (1024 × $2/M = $0.002 > $0.0001).
        var e = await Assert.ThrowsAsync<ClientResultException>(() => server.Chat("cheap").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(402, e.Status);
        Assert.Contains("budget", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, upstream.Calls("cheap"));
    }
}
