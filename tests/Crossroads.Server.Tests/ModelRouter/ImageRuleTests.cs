using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// Through HTTP: <c>Models:N:ImageRule=patches</c> counts an image by OpenAI's patch rule (gpt-4.1-mini: 1.62 tokens per
/// 32-pixel patch, the docs' multiplier found from the model's name), so one plan holds a different estimate for the same
/// image on a tile model and on a patch model; the rule's settings are validated at start.
/// </summary>
public sealed class ImageRuleTests
{
    private static string[] Config(FakeUpstream upstream, params string[] extra) =>
    [
        "--ModelRouter:Upstreams:0:Id=openai",
        "--ModelRouter:Upstreams:0:BaseUrl=" + upstream.BaseUrl,
        "--ModelRouter:Models:0:Id=gpt-4o",
        "--ModelRouter:Models:0:Upstream=openai",
        "--ModelRouter:Models:0:InputPricePerMTok=1",
        "--ModelRouter:Models:0:OutputPricePerMTok=4",
        "--ModelRouter:Models:0:ContextWindow=128000",
        "--ModelRouter:Models:1:Id=gpt-4.1-mini",
        "--ModelRouter:Models:1:Upstream=openai",
        "--ModelRouter:Models:1:InputPricePerMTok=1",
        "--ModelRouter:Models:1:OutputPricePerMTok=4",
        "--ModelRouter:Models:1:ContextWindow=128000",
        "--ModelRouter:Models:1:ImageRule=patches",
        .. extra,
    ];

    /// <summary>A PNG's signature and IHDR (no pixels: the router reads the header only).</summary>
    private static string Png(int width, int height)
    {
        byte[] b = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 0, 0, 0, 0, 0, 8, 6, 0, 0, 0, 0, 0, 0, 0];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(20), height);
        return Convert.ToBase64String(b);
    }

    private static string Body(string? image) =>
        "{\"model\":\"auto\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is in this picture?\"}"
        + (image is null ? string.Empty : ",{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + image + "\",\"detail\":\"high\"}}")
        + "]}]}";

    private static decimal Cost(JsonElement plan, string model) =>
        plan.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("model").GetString() == model).GetProperty("est_cost_usd").GetDecimal();

    private static async Task<JsonElement> PlanAsync(ModelRouterServer server, string body)
    {
        using var response = await Json.PostRawAsync(server.Client, "/v1/plan", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json.ReadAsync(response);
    }

    [Theory]
    // OpenAI's worked examples: 1024 × 1024 is 765 tokens by GPT-4o's tiles and 1,024 patches; × 1.62 for gpt-4.1-mini.
    [InlineData("data:image/png;base64,", 1024, 1024, 765, 1024 * 1.62)]
    // 1800 × 2400: 1,452 patches after the docs' scaling; by tiles 768 × 1024, 4 tiles.
    [InlineData("data:image/png;base64,", 1800, 2400, 765, 1452 * 1.62)]
    // An http(s) image: each rule's largest (8 tiles; 1,536 patches).
    [InlineData("https://images.example.test/a.png", 0, 0, 85 + (8 * 170), 1536 * 1.62)]
    public async Task A_plan_counts_the_same_image_by_each_candidates_rule(string url, int width, int height, int tileTokens, double patchTokens)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await ModelRouterServer.StartAsync(Config(upstream));
        string image = url.StartsWith("data:", StringComparison.Ordinal) ? url + Png(width, height) : url;

        var text = await PlanAsync(server, Body(null));
        var plan = await PlanAsync(server, Body(image));

        Assert.Equal(Cost(text, "gpt-4o") + (tileTokens / 1_000_000m), Cost(plan, "gpt-4o"));
        Assert.Equal(Cost(text, "gpt-4.1-mini") + ((decimal)Math.Ceiling(patchTokens) / 1_000_000m), Cost(plan, "gpt-4.1-mini"));
        Assert.NotEqual(Cost(plan, "gpt-4o"), Cost(plan, "gpt-4.1-mini"));
    }

    [Fact]
    public async Task A_configured_multiplier_and_cap_replace_the_documented_ones()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await ModelRouterServer.StartAsync(Config(upstream, "--ModelRouter:Models:1:ImagePatchMultiplier=2", "--ModelRouter:Models:1:ImagePatchCap=100"));

        var text = await PlanAsync(server, Body(null));
        var plan = await PlanAsync(server, Body("https://images.example.test/a.png"));

        Assert.Equal(Cost(text, "gpt-4.1-mini") + (200 / 1_000_000m), Cost(plan, "gpt-4.1-mini"));
    }

    [Theory]
    [InlineData("--ModelRouter:Models:1:ImageRule=pixels", "ModelRouter:Models:1:ImageRule: must be 'tiles' or 'patches', got 'pixels'")]
    [InlineData("--ModelRouter:Models:0:ImageRule=patches", "ModelRouter:Models:0:ImageRule: only 'openai' models choose an image rule; 'anthropic' models bill images by their own rule")]
    [InlineData("--ModelRouter:Models:0:ImagePatchMultiplier=1.62", "ModelRouter:Models:0:ImagePatchMultiplier/ImagePatchCap: only 'openai' models take patch numbers; 'anthropic' models bill images by their own rule")]
    [InlineData("--ModelRouter:Models:1:ImagePatchCap=1536", "ModelRouter:Models:1:ImagePatchMultiplier/ImagePatchCap: patch numbers need ImageRule=patches (the model bills by tiles)")]
    [InlineData("--ModelRouter:Models:1:ImagePatchMultiplier=0", "ModelRouter:Models:1:ImagePatchMultiplier: must be between 0.01 and 100")]
    [InlineData("--ModelRouter:Models:1:ImageMaxLongEdge=2576", "ModelRouter:Models:1:ImageMaxLongEdge/ImageMaxPixels: only 'anthropic' models take a resize limit; 'openai' models bill images by their own rule")]
    [InlineData("--ModelRouter:Models:0:ImageMaxLongEdge=9000", "ModelRouter:Models:0:ImageMaxLongEdge: must be between 1 and 8000")]
    [InlineData("--ModelRouter:Models:0:ImageMaxPixels=0", "ModelRouter:Models:0:ImageMaxPixels: must be between 1 and 64000000")]
    [InlineData("--ModelRouter:Models:1:ImagePatchCap=0", "ModelRouter:Models:1:ImagePatchCap: must be between 1 and 1000000")]
    public async Task Image_rule_settings_out_of_range_or_on_the_wrong_kind_fail_the_start(string setting, string expected)
    {
        await using var upstream = await FakeUpstream.StartAsync();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, setting)));

        // Named once: one failure per wrong setting, not a second line from a check that repeats another.
        var message = e.ToString();
        Assert.Contains(expected, message, StringComparison.Ordinal);
        string key = expected[..expected.IndexOf(": ", StringComparison.Ordinal)];
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(message.Split('\n')[0], System.Text.RegularExpressions.Regex.Escape(key + ":")));
    }

    [Fact]
    public async Task A_model_the_docs_bill_by_patches_counts_by_patches_without_a_rule_unless_tile_numbers_are_set()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        string[] withoutRule = [.. Config(upstream).Where(static a => a != "--ModelRouter:Models:1:ImageRule=patches")];
        await using var byName = await ModelRouterServer.StartAsync(withoutRule);
        await using var byTiles = await ModelRouterServer.StartAsync([.. withoutRule, "--ModelRouter:Models:1:ImageBaseTokens=85"]);
        string image = "data:image/png;base64," + Png(1024, 1024);

        var text = await PlanAsync(byName, Body(null));
        var plan = await PlanAsync(byName, Body(image));
        var tiles = await PlanAsync(byTiles, Body(image));

        // 1,024 patches × 1.62 (gpt-4.1-mini's documented multiplier), not GPT-4o's 765 tile tokens.
        Assert.Equal(Cost(text, "gpt-4.1-mini") + ((decimal)Math.Ceiling(1024 * 1.62) / 1_000_000m), Cost(plan, "gpt-4.1-mini"));
        Assert.Equal(Cost(text, "gpt-4.1-mini") + (765 / 1_000_000m), Cost(tiles, "gpt-4.1-mini"));
        Assert.Equal(Cost(text, "gpt-4o") + (765 / 1_000_000m), Cost(plan, "gpt-4o"));
    }

    [Fact]
    public async Task Patch_numbers_with_the_patch_rule_and_a_larger_anthropic_limit_start()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(
            upstream, "--ModelRouter:Models:1:ImageRule=patches", "--ModelRouter:Models:1:ImagePatchMultiplier=1.72", "--ModelRouter:Models:0:ImageMaxLongEdge=2576"));

        var plan = await PlanAsync(server, Body(null));

        Assert.Equal(2, plan.GetProperty("candidates").GetArrayLength());
    }

    /// <summary>
    /// A long edge set alone must not cap the area below the model's own: Claude Opus 4.7 keeps 2,576 pixels a side and
    /// ~3.75 megapixels, so a 1,936 × 1,936 image (3.75 MP) is billed unscaled, 4,998 tokens; half the square of the
    /// edge (3.3 MP) reserved ~4,420.
    /// </summary>
    [Fact]
    public async Task A_long_edge_alone_does_not_cap_the_area_below_the_models()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, "--ModelRouter:Models:0:ImageMaxLongEdge=2576"));

        var text = await PlanAsync(server, Body(null));
        var plan = await PlanAsync(server, Body("data:image/png;base64," + Png(1936, 1936)));

        Assert.Equal(Cost(text, "claude") + (4998 * 3 / 1_000_000m), Cost(plan, "claude"));
    }
}
