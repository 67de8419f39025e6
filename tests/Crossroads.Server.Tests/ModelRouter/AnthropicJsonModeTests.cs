using System.Net;
using System.Text;
using System.Text.Json;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// OpenAI's JSON <c>response_format</c>s through an Anthropic upstream, emulated by a forced tool: what the upstream
/// receives (one tool with the schema, a <c>tool_choice</c> forcing it), and what the official OpenAI SDK gets back
/// (the tool's input as the message content, <c>finish_reason: stop</c>, no tool calls), streamed and not.
/// </summary>
public sealed class AnthropicJsonModeTests
{
    private const string Schema = """{"type":"object","properties":{"city":{"type":"string"},"temperature":{"type":"number"}},"required":["city","temperature"],"additionalProperties":false}""";

    private const string Report = """{"city":"Paris","temperature":18}""";

    private static ChatCompletionOptions SchemaOptions() => new()
    {
        ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("weather_report", BinaryData.FromString(Schema), "A weather report", jsonSchemaIsStrict: true),
    };

    [Fact]
    public async Task Json_schema_through_anthropic_sends_one_forced_tool_and_returns_its_input_as_content()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").ToolCalls = [new FakeToolCall("toolu_json", "weather_report", Report)];
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        ChatCompletion answer = (await server.Chat("claude").CompleteChatAsync([new UserChatMessage("Weather in Paris as JSON")], SchemaOptions())).Value;

        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
        Assert.Empty(answer.ToolCalls);
        Assert.Equal(Report, answer.Content[0].Text);
        using var parsed = JsonDocument.Parse(answer.Content[0].Text);
        Assert.Equal(18, parsed.RootElement.GetProperty("temperature").GetInt32());
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        Assert.Equal(
            $$"""[{"name":"weather_report","description":"A weather report","input_schema":{{Schema}}}]""",
            sent.GetProperty("tools").GetRawText());
        Assert.Equal("""{"type":"tool","name":"weather_report","disable_parallel_tool_use":true}""", sent.GetProperty("tool_choice").GetRawText());
        Assert.False(sent.TryGetProperty("response_format", out _));
    }

    [Fact]
    public async Task Json_schema_through_anthropic_streams_the_tool_input_fragments_as_content_deltas()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        claude.ToolCalls = [new FakeToolCall("toolu_json", "weather_report", Report)];
        claude.ArgumentFragment = 5;
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        var text = new StringBuilder();
        int pieces = 0;
        ChatFinishReason? finish = null;
        await foreach (var update in server.Chat("claude").CompleteChatStreamingAsync([new UserChatMessage("Weather in Paris as JSON")], SchemaOptions()))
        {
            Assert.Empty(update.ToolCallUpdates);
            foreach (var part in update.ContentUpdate)
            {
                pieces += part.Text.Length > 0 ? 1 : 0;
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(Report, text.ToString());
        Assert.True(pieces >= Report.Length / 5, $"the JSON came in fragments ({pieces} content updates)");
        Assert.Equal(ChatFinishReason.Stop, finish);
    }

    [Fact]
    public async Task Json_object_through_anthropic_forces_an_open_object_tool_and_returns_its_input_as_content()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").ToolCalls = [new FakeToolCall("toolu_json", "json_object", """{"answer":42}""")];
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));

        ChatCompletion answer = (await server.Chat("claude").CompleteChatAsync([new UserChatMessage("Answer in JSON")], new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat() })).Value;

        Assert.Equal("""{"answer":42}""", answer.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Bodies)).RootElement;
        Assert.Equal("json_object", sent.GetProperty("tools")[0].GetProperty("name").GetString());
        Assert.Equal("""{"type":"object","additionalProperties":true}""", sent.GetProperty("tools")[0].GetProperty("input_schema").GetRawText());
        Assert.Equal("""{"type":"tool","name":"json_object","disable_parallel_tool_use":true}""", sent.GetProperty("tool_choice").GetRawText());
    }

    [Theory]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"list","schema":{"type":"array","items":{"type":"string"}}}}""", false, "response_format.json_schema.schema", "upstream_rejected")]
    [InlineData("""{"type":"json_object"}""", true, "response_format", "unsupported_parameter")] // known before the plan: the planner refuses it
    public async Task What_a_forced_tool_cannot_emulate_is_a_400_naming_the_member_with_no_anthropic_call(string format, bool withTools, string param, string code)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream));
        string tools = withTools ? ""","tools":[{"type":"function","function":{"name":"get_weather"}}]""" : string.Empty;

        using var response = await Json.PostRawAsync(server.Client, "/v1/chat/completions", $$"""{"model":"claude","messages":[{"role":"user","content":"json"}],"response_format":{{format}}{{tools}}}""");
        var problem = await Json.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, problem.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(param, problem.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal(0, upstream.Calls("claude-fake"));
    }
}
