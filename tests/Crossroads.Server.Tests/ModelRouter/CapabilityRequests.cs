using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// What the tests of members only some upstream kinds serve share: a catalog that plans Claude first, a chat body with
/// extra members, and the check that a malformed member is refused before any upstream call.
/// </summary>
internal static class CapabilityRequests
{
    /// <summary>Claude made the cheapest, so <c>auto</c> (cheapest first) would try it first if it could serve the request.</summary>
    public static string[] ClaudeFirst(FakeUpstream upstream) =>
        ModelRouterServer.AnthropicAndOpenAi(upstream, "--ModelRouter:Models:0:InputPricePerMTok=0.1", "--ModelRouter:Models:0:OutputPricePerMTok=0.1");

    /// <summary>A one-message chat body for <paramref name="model"/> with the members of the JSON object <paramref name="extra"/> added.</summary>
    public static Dictionary<string, object?> Body(string model, string extra)
    {
        var body = new Dictionary<string, object?> { ["model"] = model, ["messages"] = new[] { new { role = "user", content = "hi" } } };
        foreach (var member in JsonDocument.Parse(extra).RootElement.EnumerateObject())
        {
            body[member.Name] = member.Value.Clone();
        }

        return body;
    }

    /// <summary>
    /// Sends an <c>auto</c> chat body with <paramref name="extra"/> to a router over an OpenAI and an Anthropic model and
    /// checks the answer is a 400 problem+json whose OpenAI error names <paramref name="param"/>, with no upstream call;
    /// returns that error object for further checks.
    /// </summary>
    public static async Task<JsonElement> AssertRefusedBeforeAnyCallAsync(string extra, string param)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Body("auto", extra));
        var problem = await Json.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var error = problem.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Empty(upstream.Bodies);
        return error.Clone();
    }
}
