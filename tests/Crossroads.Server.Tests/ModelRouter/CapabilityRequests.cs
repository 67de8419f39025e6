using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>What the tests of members only some upstream kinds serve share: a catalog that plans Claude first, and a chat body with extra members.</summary>
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
}
