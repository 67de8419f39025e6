using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// Anthropic's thinking relayed and taken back (LiteLLM's members): the answer's <c>reasoning_content</c> and signed
/// <c>thinking_blocks</c>, whole and streamed; an assistant message's <c>thinking_blocks</c> validated, sent first in
/// its Anthropic turn and never to OpenAI; a tool loop that replays them stays on the thinking model; under PII
/// redaction the reasoning is restored and the blocks stay verbatim both ways.
/// </summary>
public sealed class AnthropicThinkingRoundTripTests
{
    private const string Thinks = "--ModelRouter:Models:0:Thinking=true";
    private const string Blocks = """[{"type":"thinking","thinking":"SECRET-THOUGHT: the user wants a greeting.","signature":"sig-fake"},{"type":"redacted_thinking","data":"ZW5jcnlwdGVk"}]""";
    // As relayed: each block names the upstream model that signed it (the router's member; never sent upstream).
    private const string Relayed = """[{"type":"thinking","thinking":"SECRET-THOUGHT: the user wants a greeting.","signature":"sig-fake","model":"claude-fake"},{"type":"redacted_thinking","data":"ZW5jcnlwdGVk","model":"claude-fake"}]""";
    private const string Tools = """[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"integer"}}}}}]""";

    [Fact]
    public async Task A_whole_answer_carries_the_reasoning_content_and_the_signed_blocks_in_the_upstreams_order()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").Text = "Hello there.";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, Thinks));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", """{"reasoning_effort":"medium"}"""));
        var message = (await Json.ReadAsync(response)).GetProperty("choices")[0].GetProperty("message");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello there.", message.GetProperty("content").GetString());
        Assert.Equal(AnthropicFakeProtocol.Thought, message.GetProperty("reasoning_content").GetString());
        Assert.Equal(Relayed, message.GetProperty("thinking_blocks").GetRawText());
    }

    [Fact]
    public async Task Without_thinking_the_answer_has_neither_member()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, Thinks));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", "{}"));
        var message = (await Json.ReadAsync(response)).GetProperty("choices")[0].GetProperty("message");

        Assert.False(message.TryGetProperty("reasoning_content", out _));
        Assert.False(message.TryGetProperty("thinking_blocks", out _));
    }

    [Fact]
    public async Task A_stream_carries_reasoning_pieces_then_each_block_whole_in_one_chunk_before_the_content()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").Text = "Hello there.";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, Thinks));

        using var response = await Json.PostStreamAsync(server.Client, CapabilityRequests.Body("claude", """{"reasoning_effort":"medium","stream":true}"""));
        string raw = await response.Content.ReadAsStringAsync();
        var deltas = Json.SseData(raw).Where(static d => d != "[DONE]")
            .Select(static d => JsonDocument.Parse(d).RootElement.GetProperty("choices"))
            .Where(static c => c.GetArrayLength() > 0)
            .Select(static c => c[0].GetProperty("delta"))
            .ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pieces = deltas.Select(static (d, i) => (d, i)).Where(static x => x.d.TryGetProperty("reasoning_content", out _)).ToList();
        Assert.True(pieces.Count > 1); // streamed as the thinking_deltas came, not joined
        Assert.Equal(AnthropicFakeProtocol.Thought, string.Concat(pieces.Select(static x => x.d.GetProperty("reasoning_content").GetString())));
        var blocks = deltas.Select(static (d, i) => (d, i)).Where(static x => x.d.TryGetProperty("thinking_blocks", out _)).ToList();
        Assert.Equal(2, blocks.Count);
        using var expected = JsonDocument.Parse(Relayed);
        Assert.Equal("[" + expected.RootElement[0].GetRawText() + "]", blocks[0].d.GetProperty("thinking_blocks").GetRawText());
        Assert.Equal("[" + expected.RootElement[1].GetRawText() + "]", blocks[1].d.GetProperty("thinking_blocks").GetRawText());
        int firstContent = deltas.FindIndex(static d => d.TryGetProperty("content", out var c) && c.GetString() is { Length: > 0 });
        Assert.True(pieces[^1].i < blocks[0].i && blocks[1].i < firstContent);
        Assert.Equal("Hello there.", string.Concat(deltas.Where(static d => d.TryGetProperty("content", out _)).Select(static d => d.GetProperty("content").GetString())));
        Assert.EndsWith("data: [DONE]", raw.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_loop_that_replays_the_first_answers_blocks_stays_on_the_thinking_model_which_gets_them_first_in_the_turn()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").ToolCalls = [new FakeToolCall("toolu_1", "lookup", """{"q":1}""")];
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync([.. CapabilityRequests.ClaudeFirst(upstream), Thinks]);
        var first = CapabilityRequests.Body("auto", $$"""{"reasoning_effort":"low","tools":{{Tools}}}""");

        using var firstResponse = await Json.PostAsync(server.Client, "/v1/chat/completions", first);
        Assert.Equal("claude", Json.Header(firstResponse, "x-crossroads-model"));
        var answer = (await Json.ReadAsync(firstResponse)).GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(Relayed, answer.GetProperty("thinking_blocks").GetRawText());

        var second = Continuation(answer);
        using var secondResponse = await Json.PostAsync(server.Client, "/v1/chat/completions", second);

        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
        Assert.Equal("claude", Json.Header(secondResponse, "x-crossroads-model")); // before: routed to gpt (with_tool_history)
        Assert.Equal(0, upstream.Calls("gpt"));
        var sent = JsonDocument.Parse(upstream.Bodies.Last()).RootElement;
        Assert.Equal(1024, sent.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        var turn = sent.GetProperty("messages")[1];
        Assert.Equal("assistant", turn.GetProperty("role").GetString());
        using var blocks = JsonDocument.Parse(Blocks);
        Assert.Equal(
            "[" + blocks.RootElement[0].GetRawText() + "," + blocks.RootElement[1].GetRawText() + """,{"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":1}}]""",
            turn.GetProperty("content").GetRawText());
    }

    [Fact]
    public async Task A_loop_stays_on_the_model_that_signed_its_blocks_though_another_thinking_model_is_cheaper()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake").ToolCalls = [new FakeToolCall("toolu_1", "lookup", """{"q":1}""")];
        upstream.Model("claude-cheap-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(
            upstream,
            Thinks,
            "--ModelRouter:Models:2:Id=claude-cheap",
            "--ModelRouter:Models:2:Upstream=anthropic",
            "--ModelRouter:Models:2:UpstreamModel=claude-cheap-fake",
            "--ModelRouter:Models:2:InputPricePerMTok=0.1",
            "--ModelRouter:Models:2:OutputPricePerMTok=0.1",
            "--ModelRouter:Models:2:Quality=0.8",
            "--ModelRouter:Models:2:ContextWindow=200000",
            "--ModelRouter:Models:2:Thinking=true"));

        using var firstResponse = await Json.PostAsync(server.Client, "/v1/chat/completions", CapabilityRequests.Body("claude", $$"""{"reasoning_effort":"low","tools":{{Tools}}}"""));
        var answer = (await Json.ReadAsync(firstResponse)).GetProperty("choices")[0].GetProperty("message");
        var second = Continuation(answer);
        using var secondResponse = await Json.PostAsync(server.Client, "/v1/chat/completions", second);

        // Before: the cheaper thinking model got claude-fake's signatures (Anthropic answers 400 "Invalid signature").
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
        Assert.Equal("claude", Json.Header(secondResponse, "x-crossroads-model"));
        Assert.Equal(0, upstream.Calls("claude-cheap-fake"));
        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(secondResponse, "x-crossroads-decision-id"));
        var cheap = decision.GetProperty("candidates").EnumerateArray().Single(static c => c.GetProperty("model").GetString() == "claude-cheap");
        Assert.Contains(cheap.GetProperty("exclusions").EnumerateArray(), static e =>
            e.GetProperty("code").GetString() == "unsupported:reasoning_effort.with_tool_history"
            && e.GetProperty("detail").GetString()!.Contains("'claude-fake'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_loops_blocks_a_pinned_thinking_model_is_a_400_saying_to_send_them_back()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("claude-fake");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, Thinks));
        // The first loop's turn has its blocks, the last one's does not: Anthropic needs the last one's.
        var body = CapabilityRequests.Body("claude", $$$"""
            {"reasoning_effort":"low","tools":{{{Tools}}},"messages":[
              {"role":"user","content":"hi"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"lookup","arguments":"{}"}}],"thinking_blocks":{{{Blocks}}}},
              {"role":"tool","tool_call_id":"toolu_1","content":"42"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_2","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"toolu_2","content":"43"}]}
            """);

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", body);
        var error = (await Json.ReadAsync(response)).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(
            "'reasoning_effort.with_tool_history' cannot be served by 'claude' (send back the thinking_blocks of the assistant message that made the last tool calls)",
            error.GetProperty("message").GetString(),
            StringComparison.Ordinal);
        Assert.Equal(0, upstream.Calls("claude-fake"));
    }

    [Fact]
    public async Task Thinking_blocks_never_reach_an_openai_upstream()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("gpt");
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(upstream, Thinks));
        var body = CapabilityRequests.Body("gpt", $$$"""
            {"reasoning_effort":"low","tools":{{{Tools}}},"messages":[
              {"role":"user","content":"hi"},
              {"role":"assistant","content":"Looking.","tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"lookup","arguments":"{}"}}],"thinking_blocks":{{{Blocks}}}},
              {"role":"tool","tool_call_id":"toolu_1","content":"42"}]}
            """);

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string sent = Assert.Single(upstream.Bodies);
        Assert.DoesNotContain("thinking_blocks", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("sig-fake", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-THOUGHT", sent, StringComparison.Ordinal);
        Assert.Equal("Looking.", JsonDocument.Parse(sent).RootElement.GetProperty("messages")[1].GetProperty("content").GetString());
    }

    [Theory]
    [InlineData("{}", "messages[1].thinking_blocks")]
    [InlineData("[1]", "messages[1].thinking_blocks[0]")]
    [InlineData("""[{"type":"thinking","thinking":"t"}]""", "messages[1].thinking_blocks[0].signature")]
    [InlineData("""[{"type":"thinking","thinking":5,"signature":"s"}]""", "messages[1].thinking_blocks[0].thinking")]
    [InlineData("""[{"type":"thinking","thinking":"t","signature":"s"},{"type":"redacted_thinking"}]""", "messages[1].thinking_blocks[1].data")]
    [InlineData("""[{"type":"text","text":"x"}]""", "messages[1].thinking_blocks[0].type")]
    [InlineData("""[{"thinking":"t","signature":"s"}]""", "messages[1].thinking_blocks[0].type")]
    public async Task A_malformed_block_is_a_400_naming_it_before_any_call(string blocks, string param)
    {
        var error = await CapabilityRequests.AssertRefusedBeforeAnyCallAsync(
            """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"ok","thinking_blocks":""" + blocks + """},{"role":"user","content":"more"}]}""",
            param);

        Assert.Contains(param, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Under_pii_redaction_the_reasoning_is_restored_and_the_blocks_stay_verbatim_both_ways()
    {
        const string Email = "jane.doe@example.com";
        await using var upstream = await FakeUpstream.StartAsync();
        var claude = upstream.Model("claude-fake");
        claude.Thought = "Reply to [EMAIL_1] politely.";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.AnthropicAndOpenAi(
            upstream, Thinks, "--ModelRouter:DefaultTenant=acme", "--ModelRouter:Tenants:0:Id=acme", "--ModelRouter:Tenants:0:Pii=redact"));
        var ask = new Dictionary<string, object?>
        {
            ["model"] = "claude",
            ["reasoning_effort"] = "low",
            ["messages"] = new[] { new { role = "user", content = $"I am {Email}." } },
        };

        using var whole = await Json.PostAsync(server.Client, "/v1/chat/completions", ask);
        var message = (await Json.ReadAsync(whole)).GetProperty("choices")[0].GetProperty("message");
        Assert.Equal($"Reply to {Email} politely.", message.GetProperty("reasoning_content").GetString());
        Assert.Equal("Reply to [EMAIL_1] politely.", message.GetProperty("thinking_blocks")[0].GetProperty("thinking").GetString());

        ask["stream"] = true;
        using var streamed = await Json.PostStreamAsync(server.Client, ask);
        var deltas = Json.SseData(await streamed.Content.ReadAsStringAsync()).Where(static d => d != "[DONE]")
            .Select(static d => JsonDocument.Parse(d).RootElement.GetProperty("choices"))
            .Where(static c => c.GetArrayLength() > 0)
            .Select(static c => c[0].GetProperty("delta"))
            .ToList();
        Assert.Equal($"Reply to {Email} politely.", string.Concat(deltas.Where(static d => d.TryGetProperty("reasoning_content", out _)).Select(static d => d.GetProperty("reasoning_content").GetString())));
        Assert.Equal("Reply to [EMAIL_1] politely.", deltas.Single(static d => d.TryGetProperty("thinking_blocks", out _) && d.GetProperty("thinking_blocks")[0].TryGetProperty("thinking", out _)).GetProperty("thinking_blocks")[0].GetProperty("thinking").GetString());

        // Replayed, a block is neither redacted (its signature covers its text, a raw value included) nor restored.
        string replayed = """[{"type":"thinking","thinking":"Reply to [EMAIL_1], that is """ + Email + """.","signature":"sig-fake"}]""";
        var loop = CapabilityRequests.Body("claude", $$$"""
            {"reasoning_effort":"low","tools":{{{Tools}}},"messages":[
              {"role":"user","content":"I am {{{Email}}}."},
              {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"lookup","arguments":"{}"}}],"thinking_blocks":{{{replayed}}}},
              {"role":"tool","tool_call_id":"toolu_1","content":"42"}]}
            """);
        using var third = await Json.PostAsync(server.Client, "/v1/chat/completions", loop);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        var sent = JsonDocument.Parse(upstream.Bodies.Last()).RootElement.GetProperty("messages");
        Assert.Equal("I am [EMAIL_1].", sent[0].GetProperty("content").GetString());
        Assert.Equal(JsonDocument.Parse(replayed).RootElement[0].GetRawText(), sent[1].GetProperty("content")[0].GetRawText());
    }

    /// <summary>The loop's next request: the client appends the assistant message as it came (tool calls and thinking blocks) and the tool's result.</summary>
    private static Dictionary<string, object?> Continuation(JsonElement answer) => CapabilityRequests.Body("auto", $$"""
        {"reasoning_effort":"low","tools":{{Tools}},"messages":[
          {"role":"user","content":"hi"},
          {"role":"assistant","content":null,"tool_calls":{{answer.GetProperty("tool_calls").GetRawText()}},"thinking_blocks":{{answer.GetProperty("thinking_blocks").GetRawText()}}},
          {"role":"tool","tool_call_id":"toolu_1","content":"42"}]}
        """);
}
