using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>/v1/plan's exclusion reasons, /v1/ask's NDJSON lines, decisions, and bad input as 4xx (never 500).</summary>
public sealed class PlanAskAndErrorTests
{
    [Fact]
    public async Task Plan_names_each_exclusion_reason()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        using var strict = await Json.PostAsync(server.Client, "/v1/plan", new { prompt = "hi", quality = "high", latency_slo_ms = 1000 });
        var plan = await Json.ReadAsync(strict);
        Assert.Equal(HttpStatusCode.OK, strict.StatusCode);
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("chosen").ValueKind);
        Assert.Equal(["quality"], Codes(plan, "cheap"));
        Assert.Equal(["latency_slo"], Codes(plan, "strong"));

        var longPrompt = string.Join(' ', Enumerable.Repeat("word", 5000));
        using var big = await Json.PostAsync(server.Client, "/v1/plan", new { prompt = longPrompt, max_cost_usd = 0.001 });
        plan = await Json.ReadAsync(big);
        Assert.Equal(["context_window", "max_cost"], Codes(plan, "cheap"));
        Assert.Equal(["max_cost"], Codes(plan, "strong"));

        using var easy = await Json.PostAsync(server.Client, "/v1/plan", new { prompt = "hi" });
        plan = await Json.ReadAsync(easy);
        Assert.Equal("cheap", plan.GetProperty("chosen").GetString());
        Assert.Equal(["strong"], plan.GetProperty("fallbacks").EnumerateArray().Select(static f => f.GetString()!).ToArray());
        Assert.Equal(0, upstream.Calls("cheap") + upstream.Calls("strong"));

        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(easy, "x-crossroads-decision-id"));
        Assert.Equal("planned", decision.GetProperty("outcome").GetString());
        Assert.Equal("chat:s", decision.GetProperty("cluster").GetString());
        Assert.Equal(32, decision.GetProperty("prompt_hash").GetString()!.Length);
        Assert.DoesNotContain("\"hi\"", decision.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_streams_plan_chunk_and_final_lines_with_real_token_counts()
    {
        await using var server = await ModelRouterServer.StartAsync();
        using var response = await Json.PostAsync(server.Client, "/v1/ask", new { prompt = "How do budgets work?", quality = "fast", tenant = "t1" });
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("plan", lines[0].GetProperty("type").GetString());
        Assert.Equal("crossroads-demo", lines[0].GetProperty("chosen").GetString());
        var chunks = lines[1..^1];
        Assert.All(chunks, static c => Assert.Equal("chunk", c.GetProperty("type").GetString()));
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(static c => c.GetProperty("seq").GetInt32()));
        var final = lines[^1];
        Assert.Equal("final", final.GetProperty("type").GetString());
        Assert.Equal(string.Concat(chunks.Select(static c => c.GetProperty("text").GetString())), final.GetProperty("text").GetString());
        Assert.Equal("crossroads-demo", final.GetProperty("model_used").GetString());
        Assert.True(final.GetProperty("tokens_in").GetInt32() > 5);
        Assert.True(final.GetProperty("tokens_out").GetInt32() > 10);
        Assert.True(final.GetProperty("cost_usd").GetDecimal() > 0);

        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + final.GetProperty("request_id").GetString());
        Assert.Equal("t1", decision.GetProperty("tenant").GetString());
        Assert.Equal(final.GetProperty("cost_usd").GetDecimal(), decision.GetProperty("billed_usd").GetDecimal());
    }

    [Fact]
    public async Task Unknown_decisions_are_404_problems_with_an_openai_error()
    {
        await using var server = await ModelRouterServer.StartAsync();
        using var response = await server.Client.GetAsync(new Uri("/v1/decisions/nope", UriKind.Relative));
        var problem = await Json.ReadAsync(response);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("decision_not_found", problem.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("/v1/chat/completions", "not json")]
    [InlineData("/v1/chat/completions", "[1,2]")]
    [InlineData("/v1/chat/completions", "{}")]
    [InlineData("/v1/chat/completions", """{"model":"demo"}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","messages":{}}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","messages":[]}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","messages":[{"role":"wizard","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","messages":[{"role":"user","content":5}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","messages":[{"role":"user","content":[{"type":"image_url"}]}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","n":2,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","temperature":5,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","max_tokens":0,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","max_tokens":"many","messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","stream":"yes","messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"auto","crossroads":{"quality":"ultra"},"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"auto","crossroads":{"policy":"random"},"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"auto","crossroads":{"max_cost_usd":-1},"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"auto","crossroads":7,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","models":[1],"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","models":["nope"],"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"demo","messages":[{"role":"user","content":"x"}],"max_tokens":1e30}""")]
    [InlineData("/v1/ask", """{"prompt":""}""")]
    [InlineData("/v1/ask", """{"prompt":5}""")]
    [InlineData("/v1/ask", """{"prompt":"x","latency_slo_ms":0}""")]
    [InlineData("/v1/plan", """{"prompt":"x","model":"nope"}""")]
    [InlineData("/v1/observe", """{}""")]
    [InlineData("/v1/observe", """{"request_id":"x","quality_score":2}""")]
    [InlineData("/v1/observe", """{"request_id":"x","quality_score":0.5}""")]
    public async Task Bad_input_is_a_4xx_problem_with_an_openai_error_never_a_500(string path, string body)
    {
        await using var server = await ModelRouterServer.StartAsync();
        using var response = await Json.PostRawAsync(server.Client, path, body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("error").GetProperty("message").GetString()), text);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("error").GetProperty("type").GetString()), text);
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"crossroads-demo","messages":[{"role":"user","content":"\ud800"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"crossroads-demo","messages":[{"role":"user","content":[{"type":"text","text":"x\udc00"}]}]}""")]
    [InlineData("/v1/chat/completions", "{\"model\":\"crossroads-\u00ff\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")]
    [InlineData("/v1/ask", """{"prompt":"\ud800x\udfff"}""")]
    [InlineData("/v1/plan", "{\"prompt\":\"caf\u00e9\"}")]
    [InlineData("/v1/observe", """{"request_id":"\ud800","quality_score":0.5}""")]
    public async Task A_string_that_is_not_text_is_a_400_invalid_json_not_a_500(string path, string body)
    {
        // Latin-1 bytes: \u00ff and \u00e9 go out as one byte each (not UTF-8); \ud800 in the JSON is an escaped lone surrogate.
        await using var server = await ModelRouterServer.StartAsync();
        using var content = new ByteArrayContent(System.Text.Encoding.Latin1.GetBytes(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await server.Client.PostAsync(new Uri(path, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal("invalid_json", error.GetProperty("code").GetString());
        Assert.Contains("not valid text", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_content_type_is_415()
    {
        await using var server = await ModelRouterServer.StartAsync();
        using var response = await Json.PostRawAsync(server.Client, "/v1/chat/completions", "{}", "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    private static string[] Codes(JsonElement plan, string model) =>
        [.. plan.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("model").GetString() == model)
            .GetProperty("excluded_by").EnumerateArray().Select(static x => x.GetProperty("code").GetString()!)];
}
