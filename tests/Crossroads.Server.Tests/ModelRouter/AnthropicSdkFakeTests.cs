using System.Text;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// The official Anthropic .NET SDK against the fake upstream's Messages API, with response validation on: what the
/// router's adapter is tested against is what Anthropic's own client accepts.
/// </summary>
public sealed class AnthropicSdkFakeTests
{
    private static AnthropicClient Client(FakeUpstream upstream) => new()
    {
        ApiKey = "sk-ant-fake",
        BaseUrl = upstream.AnthropicBaseUrl.ToString().TrimEnd('/'),
        MaxRetries = 0,
        ResponseValidation = true,
    };

    private static MessageCreateParams Ask(int maxTokens) => new()
    {
        MaxTokens = maxTokens,
        Messages = [new UserMessageParam { Content = "hello" }],
        Model = "claude-fake",
    };

    [Fact]
    public async Task The_sdk_reads_a_whole_message_text_stop_reason_and_usage()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").Text = "one two three";
        var client = Client(upstream);

        var message = await client.Messages.Create(Ask(100));

        Assert.Equal("one two three", string.Concat(message.Content.Select(static b => b.TryPickText(out var t) ? t.Text : string.Empty)));
        Assert.Equal("end_turn", message.StopReason?.Raw());
        Assert.Equal(10, message.Usage.InputTokens);
        Assert.Equal(3, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task The_sdk_reads_the_stream_events_text_deltas_stop_reason_and_usage()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").Text = "one two three four";
        var client = Client(upstream);

        var text = new StringBuilder();
        long? input = null, output = null;
        string? stop = null;
        bool stopped = false;
        await foreach (var e in client.Messages.CreateStreaming(Ask(3)))
        {
            if (e.TryPickStart(out var start))
            {
                input = start.Message.Usage.InputTokens;
            }
            else if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var t))
            {
                text.Append(t.Text);
            }
            else if (e.TryPickDelta(out var messageDelta))
            {
                output = messageDelta.Usage.OutputTokens;
                stop = messageDelta.Delta.StopReason?.Raw();
            }
            else if (e.TryPickStop(out _))
            {
                stopped = true;
            }
        }

        Assert.Equal("one two three", text.ToString());
        Assert.Equal(10, input);
        Assert.Equal(3, output);
        Assert.Equal("max_tokens", stop);
        Assert.True(stopped);
    }

    [Fact]
    public async Task The_sdk_sees_an_overloaded_529_as_anthropic_reports_it()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").FailStatus = 529;
        var client = Client(upstream);

        var error = await Assert.ThrowsAnyAsync<AnthropicServiceException>(() => client.Messages.Create(Ask(10)));

        Assert.Contains("overloaded_error", error.Body.ToString(), StringComparison.Ordinal);
    }
    [Fact]
    public async Task The_routers_image_blocks_are_what_the_sdk_writes_for_the_same_images()
    {
        const string png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
        const string url = "https://images.example.test/cat.jpg";
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));
        List<ContentBlockParam> blocks =
        [
            new TextBlockParam { Text = "Compare" },
            new ImageBlockParam { Source = new Base64ImageSource { Data = png, MediaType = MediaType.ImagePng } },
            new ImageBlockParam { Source = new UrlImageSource { Url = url } },
        ];

        await Client(upstream).Messages.Create(new MessageCreateParams { MaxTokens = 10, Model = "claude-fake", Messages = [new UserMessageParam { Content = blocks }] });
        await server.Chat("claude").CompleteChatAsync([
            new OpenAI.Chat.UserChatMessage(
                OpenAI.Chat.ChatMessageContentPart.CreateTextPart("Compare"),
                OpenAI.Chat.ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(Convert.FromBase64String(png)), "image/png"),
                OpenAI.Chat.ChatMessageContentPart.CreateImagePart(new Uri(url))),
        ]);

        var bodies = upstream.Bodies.Select(static b => System.Text.Json.Nodes.JsonNode.Parse(b)!["messages"]![0]!["content"]).ToList();
        Assert.Equal(2, bodies.Count);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(bodies[0], bodies[1]), $"SDK: {bodies[0]!.ToJsonString()}\nrouter: {bodies[1]!.ToJsonString()}");
    }
    [Fact]
    public async Task The_routers_forced_tool_choice_for_a_json_answer_is_what_the_sdk_writes()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        // The SDK's call is answered with text: its response validation wants tool_use members the fake does not write.
        await Client(upstream).Messages.Create(Ask(10) with { ToolChoice = new ToolChoiceTool { Name = "report", DisableParallelToolUse = true } });
        claude.ToolCalls = [new FakeToolCall("toolu_1", "report", "{}")];
        await server.Chat("claude").CompleteChatAsync(
            [new OpenAI.Chat.UserChatMessage("json")],
            new OpenAI.Chat.ChatCompletionOptions { ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat("report", BinaryData.FromString("""{"type":"object"}""")) });

        var choices = upstream.Bodies.Select(static b => System.Text.Json.Nodes.JsonNode.Parse(b)!["tool_choice"]).ToList();
        Assert.Equal(2, choices.Count);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(choices[0], choices[1]), $"SDK: {choices[0]?.ToJsonString()}\nrouter: {choices[1]?.ToJsonString()}");
    }
}
