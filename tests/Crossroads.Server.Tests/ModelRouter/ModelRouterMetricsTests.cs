using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>The router's instruments per model and upstream appear on /metrics and count what happened.</summary>
public sealed class ModelRouterMetricsTests
{
    [Fact]
    public async Task Requests_attempts_fallbacks_tokens_cost_and_time_to_first_token_are_exported_per_model_and_upstream()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").FailStatus = 503;
        upstream.Model("strong").Text = "one two three";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        for (int i = 0; i < 2; i++)
        {
            using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hi", stream: i == 1, models: ["strong"]));
            await response.Content.ReadAsStringAsync();
        }

        var text = await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(2, Value(text, "model_router_requests_total", "model=\"strong\"", "outcome=\"completed\""));
        Assert.Equal(2, Value(text, "model_router_attempts_total", "model=\"cheap\"", "outcome=\"failed\"", "upstream=\"fake\""));
        Assert.Equal(2, Value(text, "model_router_attempts_total", "model=\"strong\"", "outcome=\"served\""));
        Assert.Equal(2, Value(text, "model_router_fallbacks_total", "model=\"cheap\""));
        Assert.Equal(20, Value(text, "model_router_tokens_total", "model=\"strong\"", "direction=\"in\""));
        Assert.Equal(6, Value(text, "model_router_tokens_total", "model=\"strong\"", "direction=\"out\""));
        Assert.Equal(2 * 0.00019, Value(text, "model_router_cost_usd_total", "model=\"strong\""), 9);
        Assert.Equal(2, Value(text, "model_router_time_to_first_token_seconds_count", "model=\"strong\""));
        Assert.Matches("(?m)^# TYPE model_router_time_to_first_token_seconds histogram$", text);
    }

    [Fact]
    public async Task Breaker_state_is_a_gauge_per_configured_upstream_with_one_series_per_state()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").FailStatus = 503;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl, "--ModelRouter:Routing:Cooldown:AllowedFails=2"));

        var before = await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches("(?m)^# TYPE model_router_breaker_state gauge$", before);
        Assert.Equal(1, Value(before, "model_router_breaker_state", "upstream=\"fake\"", "state=\"closed\""));
        Assert.Equal(0, Value(before, "model_router_breaker_state", "upstream=\"fake\"", "state=\"open\""));
        Assert.Equal(0, Value(before, "model_router_breaker_state", "upstream=\"fake\"", "state=\"half_open\""));

        for (int i = 0; i < 2; i++)
        {
            using var failed = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hi"));
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        }

        var after = await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(0, Value(after, "model_router_breaker_state", "upstream=\"fake\"", "state=\"closed\""));
        Assert.Equal(1, Value(after, "model_router_breaker_state", "upstream=\"fake\"", "state=\"open\""));
        // Only configured upstreams: three series for the one upstream, none for anything a request named.
        Assert.Equal(3, Regex.Matches(after, "(?m)^model_router_breaker_state\\{").Count);
    }

    [Fact]
    public async Task Spend_budget_refusals_rate_limit_refusals_and_settle_failures_are_counted_with_bounded_labels()
    {
        await using var router = await KeyedRouter.StartAsync("--ModelRouter:Keys:0:Rpm=2", "--ModelRouter:Keys:0:BudgetUsd=0.0003");
        var (client, server) = (router.Client, router.Server);

        using var served = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 10));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var billed = (await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(served, "x-crossroads-decision-id"))).GetProperty("billed_usd").GetDecimal();
        Assert.True(billed > 0);

        // 1000 output tokens × $2/M cannot fit the key's $0.0003: a 402 by the key.
        using var refused = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 1000));
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);

        // Both counted against the key's 2 requests per minute: the third is a 429.
        using var limited = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", "hi", maxTokens: 10));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);

        // An anonymous client naming a tenant nobody configured: its spend is counted as tenant 'other'.
        using var anonymous = await Json.PostAsTenantAsync(server.Client, "made-up-tenant-7f3a", Json.Chat("cheap", "hi", maxTokens: 10));
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);

        var text = await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal((double)billed, Value(text, "model_router_spend_usd_total", "key=\"ci\"", "tenant=\"ci\""), 12);
        Assert.True(Value(text, "model_router_spend_usd_total", "key=\"anonymous\"", "tenant=\"other\"") > 0);
        Assert.DoesNotContain("made-up-tenant-7f3a", text, StringComparison.Ordinal);
        Assert.Equal(1, Value(text, "model_router_budget_refusals_total", "scope=\"key\"", "account=\"ci\""));
        Assert.Equal(1, Value(text, "model_router_rate_limited_total", "key=\"ci\"", "limit=\"rpm\""));
        Assert.Matches("(?m)^model_router_budget_settle_failures_total(\\{\\})? 0$", text);
        Assert.Matches("(?m)^model_router_budget_settles_pending(\\{\\})? 0$", text);
        Assert.Matches("(?m)^model_router_budget_settles_abandoned_total(\\{\\})? 0$", text);
        // The budgeted key's requests were served from this replica's leases (on by default).
        Assert.True(Unlabeled(text, "model_router_budget_lease_admissions_total") >= 1);
        Assert.True(Unlabeled(text, "model_router_budget_lease_renewals_total") >= 1);
        Assert.Matches("(?m)^model_router_budget_lease_renewal_failures_total(\\{\\})? 0$", text);
        Assert.Contains("model_router_budget_leased_usd", text, StringComparison.Ordinal);
        await AssertPromtoolAcceptsAsync(text);
    }

    /// <summary><c>promtool check metrics</c> (installed with the <c>prometheus</c> package; CI has it) finds nothing to say.</summary>
    private static async Task AssertPromtoolAcceptsAsync(string body)
    {
        string promtool = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(static dir => Path.Combine(dir, "promtool"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("promtool is not installed; install it with 'apt-get install -y --no-install-recommends prometheus' (CI does).");
        var start = new ProcessStartInfo(promtool, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(body);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        string report = (await stdout + await stderr).Trim();
        Assert.True(process.ExitCode == 0 && report.Length == 0, $"promtool exit {process.ExitCode}: {report}");
    }

    /// <summary>The value of <paramref name="family"/>'s one sample without labels.</summary>
    private static double Unlabeled(string text, string family)
    {
        var sample = Regex.Match(text, "(?m)^" + Regex.Escape(family) + @"(\{\})? (\S+)$");
        Assert.True(sample.Success, $"no {family} in:\n{text}");
        return double.Parse(sample.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The value of the one sample of <paramref name="family"/> whose labels contain every one of <paramref name="labels"/>.</summary>
    private static double Value(string text, string family, params string[] labels)
    {
        var samples = Regex.Matches(text, "(?m)^" + Regex.Escape(family) + @"\{([^}]*)\} (\S+)$")
            .Where(m => labels.All(l => m.Groups[1].Value.Contains(l, StringComparison.Ordinal)))
            .ToList();
        Assert.True(samples.Count == 1, $"{samples.Count} samples of {family} with {string.Join(",", labels)} in:\n{text}");
        return double.Parse(samples[0].Groups[2].Value, CultureInfo.InvariantCulture);
    }
}
