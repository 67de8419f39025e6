using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// Through HTTP: an inline image is estimated from its header by the candidate model's rule, so a small low-detail
/// image is reckoned (and reserved) far below the former flat 1,600 tokens, and a model configured to bill images in
/// more tokens (gpt-4o-mini's <c>ImageBaseTokens</c>/<c>ImageTileTokens</c>) reserves what it then bills.
/// </summary>
public sealed class ImageEstimateTests
{
    private static string[] Config(FakeUpstream upstream) =>
    [
        "--ModelRouter:Upstreams:0:Id=openai",
        "--ModelRouter:Upstreams:0:BaseUrl=" + upstream.BaseUrl,
        "--ModelRouter:Upstreams:0:FirstTokenTimeoutMs=1500",
        "--ModelRouter:Upstreams:0:TimeoutMs=10000",
        "--ModelRouter:Models:0:Id=gpt-4o",
        "--ModelRouter:Models:0:Upstream=openai",
        "--ModelRouter:Models:0:InputPricePerMTok=2.5",
        "--ModelRouter:Models:0:OutputPricePerMTok=10",
        "--ModelRouter:Models:0:ContextWindow=128000",
        "--ModelRouter:Models:1:Id=gpt-4o-mini",
        "--ModelRouter:Models:1:Upstream=openai",
        "--ModelRouter:Models:1:InputPricePerMTok=0.15",
        "--ModelRouter:Models:1:OutputPricePerMTok=0.6",
        "--ModelRouter:Models:1:ContextWindow=128000",
        "--ModelRouter:Models:1:ImageBaseTokens=2833",
        "--ModelRouter:Models:1:ImageTileTokens=5667",
    ];

    /// <summary>A PNG's signature and IHDR (no pixels: the router reads the header only).</summary>
    private static string Png(int width, int height)
    {
        byte[] b = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 0, 0, 0, 0, 0, 8, 6, 0, 0, 0, 0, 0, 0, 0];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(20), height);
        return Convert.ToBase64String(b);
    }

    private static string Body(string model, string? image, string? detail = null)
    {
        string detailMember = detail is null ? string.Empty : ",\"detail\":\"" + detail + "\"";
        string imagePart = image is null ? string.Empty : ",{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + image + "\"" + detailMember + "}}";
        return "{\"model\":\"" + model + "\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is in this picture?\"}" + imagePart + "]}]}";
    }

    private static async Task<JsonElement> PlanDecisionAsync(ModelRouterServer server, string body)
    {
        using var response = await Json.PostRawAsync(server.Client, "/v1/plan", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));
    }

    private static decimal Usd(long input, long output, decimal inPrice, decimal outPrice) => ((input * inPrice) + (output * outPrice)) / 1_000_000m;

    [Fact]
    public async Task A_small_low_detail_image_is_estimated_and_reserved_below_the_former_flat_1600_tokens()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await ModelRouterServer.StartAsync(Config(upstream));

        int text = (await PlanDecisionAsync(server, Body("gpt-4o", null))).GetProperty("input_tokens").GetInt32();
        var low = await PlanDecisionAsync(server, Body("gpt-4o", Png(64, 64), "low"));
        var high = await PlanDecisionAsync(server, Body("gpt-4o", Png(64, 64), "high"));

        Assert.Equal(text + 85, low.GetProperty("input_tokens").GetInt32());
        Assert.Equal(text + 85 + 170, high.GetProperty("input_tokens").GetInt32()); // one tile
        Assert.Equal(Usd(text + 85, 50, 2.5m, 10m), low.GetProperty("reserved_usd").GetDecimal());
        Assert.True(low.GetProperty("reserved_usd").GetDecimal() < Usd(text + 1_600, 50, 2.5m, 10m), "below the former flat estimate");
        Assert.Equal(low.GetProperty("reserved_usd").GetDecimal(), low.GetProperty("candidates")[0].GetProperty("estimated_cost_usd").GetDecimal());
    }

    [Fact]
    public async Task A_model_that_bills_images_in_more_tokens_reserves_at_least_what_it_bills()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await ModelRouterServer.StartAsync(Config(upstream));
        int text = (await PlanDecisionAsync(server, Body("gpt-4o-mini", null))).GetProperty("input_tokens").GetInt32();
        int billedImage = 2833 + (4 * 5667); // 1024 × 1024 at high detail: 768 × 768, 4 tiles
        upstream.Model("gpt-4o-mini").PromptTokens = text + billedImage;

        using var response = await Json.PostRawAsync(server.Client, "/v1/chat/completions", Body("gpt-4o-mini", Png(1024, 1024), "high"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));

        decimal reserved = decision.GetProperty("reserved_usd").GetDecimal();
        decimal billed = decision.GetProperty("billed_usd").GetDecimal();
        Assert.Equal(text + billedImage, decision.GetProperty("input_tokens").GetInt32());
        Assert.Equal(text + billedImage, decision.GetProperty("attempts")[0].GetProperty("prompt_tokens").GetInt32());
        Assert.True(reserved >= billed, string.Create(CultureInfo.InvariantCulture, $"reserved {reserved} < billed {billed}"));
        Assert.True(Usd(text + 1_600, 50, 0.15m, 0.6m) < billed, "the former flat 1,600 tokens would have reserved less than gpt-4o-mini bills");
    }

    [Theory]
    [InlineData("--ModelRouter:Models:0:ImageTileTokens=5667", "ModelRouter:Models:0:ImageBaseTokens/ImageTileTokens: only 'openai' models take tile numbers; 'anthropic' models bill images by their own rule")]
    [InlineData("--ModelRouter:Models:1:ImageBaseTokens=-1", "ModelRouter:Models:1:ImageBaseTokens: must be between 0 and 1000000 tokens, got -1")]
    public async Task Tile_numbers_on_an_anthropic_model_or_out_of_range_fail_the_start(string setting, string expected)
    {
        await using var upstream = await FakeUpstream.StartAsync();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, setting)));

        Assert.Contains(expected, e.ToString(), StringComparison.Ordinal);
    }
}
