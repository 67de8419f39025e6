using System.Globalization;
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
