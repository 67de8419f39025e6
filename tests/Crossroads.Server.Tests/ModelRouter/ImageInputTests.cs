using System.Net;
using System.Text.Json;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// Images in user messages (OpenAI's <c>image_url</c> content parts): sent unchanged to an OpenAI-compatible upstream,
/// mapped to Anthropic's <c>image</c> blocks, refused with a 400 naming the member (and no upstream call) when the URL
/// is not an accepted image, counted in the prompt estimate, and not pretended to be seen by the demo model.
/// </summary>
public sealed class ImageInputTests
{
    // A 1×1 transparent PNG.
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    private const string InlinePart = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + Png + "\",\"detail\":\"low\"}}";

    private const string WebPart = """{"type":"image_url","image_url":{"url":"https://images.example.test/cat.jpg"}}""";

    private static string Body(string model, string content, bool stream = false) =>
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":{{content}}}]}""";

    [Fact]
    public async Task Image_parts_reach_an_openai_upstream_as_the_client_wrote_them_between_its_text_parts()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        using var response = await Json.PostRawAsync(server.Client, "/v1/chat/completions", Body("gpt", $$"""[{"type":"text","text":"What is in"},{{InlinePart}},{"type":"text","text":"and in"},{{WebPart}}]"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var content = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement.GetProperty("messages")[1].GetProperty("content");
        Assert.Equal(
            $$"""[{"type":"text","text":"What is in"},{{InlinePart}},{"type":"text","text":"and in"},{{WebPart}}]""",
            content.GetRawText());
    }

    [Fact]
    public async Task Image_parts_from_the_sdk_reach_an_anthropic_upstream_as_base64_and_url_image_blocks_in_order()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").Text = "A cat.";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));
        var message = new UserChatMessage(
            ChatMessageContentPart.CreateTextPart("Compare"),
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(Convert.FromBase64String(Png)), "image/png", ChatImageDetailLevel.High),
            ChatMessageContentPart.CreateImagePart(new Uri("https://images.example.test/cat.jpg")),
            ChatMessageContentPart.CreateTextPart("please."));

        ChatCompletion answer = (await server.Chat("claude").CompleteChatAsync([message])).Value;

        Assert.Equal("A cat.", answer.Content[0].Text);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement.GetProperty("messages");
        var turn = Assert.Single(sent.EnumerateArray());
        Assert.Equal("user", turn.GetProperty("role").GetString());
        Assert.Equal(
            $$$"""[{"type":"text","text":"Compare"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Png}}}"}},{"type":"image","source":{"type":"url","url":"https://images.example.test/cat.jpg"}},{"type":"text","text":"please."}]""",
            turn.GetProperty("content").GetRawText());
    }

    [Theory]
    [InlineData("""{"type":"image_url","image_url":{"url":"ftp://images.example.test/cat.png"}}""", "messages[1].content[0].image_url.url")]
    [InlineData("""{"type":"image_url","image_url":{"url":"file:///etc/passwd"}}""", "messages[1].content[0].image_url.url")]
    [InlineData("""{"type":"image_url","image_url":{"url":"cat.png"}}""", "messages[1].content[0].image_url.url")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/bmp;base64,Qk0="}}""", "messages[1].content[0].image_url.url")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}}""", "messages[1].content[0].image_url.url")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/png;base64,not base64!"}}""", "messages[1].content[0].image_url.url")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/png;base64,"}}""", "messages[1].content[0].image_url.url")]
    [InlineData("""{"type":"image_url","image_url":{"url":""}}""", "messages[1].content[0].image_url.url")]
    [InlineData("""{"type":"image_url","image_url":{"url":7}}""", "messages[1].content[0].image_url.url")]
    [InlineData("""{"type":"image_url","image_url":"https://images.example.test/cat.png"}""", "messages[1].content[0].image_url")]
    [InlineData("""{"type":"image_url","image_url":{"url":"https://images.example.test/cat.png","detail":"ultra"}}""", "messages[1].content[0].image_url.detail")]
    public async Task An_image_that_is_not_an_accepted_url_is_a_400_naming_the_member_and_calls_no_upstream(string part, string param)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        foreach (var model in (string[])["gpt", "claude"])
        {
            using var response = await Json.PostRawAsync(server.Client, "/v1/chat/completions", Body(model, $"[{part}]"));
            var problem = await Json.ReadAsync(response);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(param, problem.GetProperty("error").GetProperty("param").GetString());
            Assert.Contains(param, problem.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(upstream.Bodies);
    }

    [Fact]
    public async Task An_image_outside_a_user_message_is_a_400_naming_the_part()
    {
        await using var server = await ModelRouterServer.StartAsync();

        using var response = await Json.PostRawAsync(server.Client, "/v1/chat/completions", $$"""{"model":"demo","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{{WebPart}}]}]}""");
        var problem = await Json.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("messages[1].content[0]", problem.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task An_inline_image_over_the_cap_is_a_400_naming_its_url_though_the_body_is_under_the_body_limit()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));
        string big = new('A', (5 * 1024 * 1024) + 4);
        string justUnder = new('A', 4 * 1024 * 1024);

        using var refused = await Json.PostRawAsync(server.Client, "/v1/chat/completions", Body("gpt", $$$"""[{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{big}}}"}}]"""));
        using var accepted = await Json.PostRawAsync(server.Client, "/v1/chat/completions", Body("gpt", $$$"""[{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{justUnder}}}"}}]"""));
        var problem = await Json.ReadAsync(refused);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("messages[1].content[0].image_url.url", problem.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("image_too_large", problem.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Single(upstream.Bodies);
    }

    [Fact]
    public async Task The_demo_model_answers_an_image_request_saying_it_ignored_the_images()
    {
        await using var server = await ModelRouterServer.StartAsync();

        using var response = await Json.PostRawAsync(server.Client, "/v1/chat/completions", Body("demo", $$"""[{"type":"text","text":"What is this?"},{{InlinePart}},{{WebPart}}]"""));
        var answer = await Json.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("It cannot see images: the 2 images in this request were ignored.", answer.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_image_adds_its_estimate_to_the_input_tokens_and_so_to_the_reservation()
    {
        await using var server = await ModelRouterServer.StartAsync();

        var textOnly = await DecisionAsync(server, Body("demo", """[{"type":"text","text":"What is this?"}]"""));
        var twoImages = await DecisionAsync(server, Body("demo", $$"""[{"type":"text","text":"What is this?"},{{InlinePart}},{{WebPart}}]"""));

        // The demo model bills images as GPT-4o: the 1×1 PNG at detail low is its base, 85; the URL's size is unknown: 85 + 8 × 170.
        Assert.Equal(textOnly.GetProperty("input_tokens").GetInt32() + 85 + 1445, twoImages.GetProperty("input_tokens").GetInt32());
    }

    private static async Task<JsonElement> DecisionAsync(ModelRouterServer server, string body)
    {
        using var response = await Json.PostRawAsync(server.Client, "/v1/plan", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(response, "x-crossroads-decision-id"));
    }
}
