using System.ClientModel;
using System.Net;
using System.Text.Json;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>The official OpenAI .NET SDK, unchanged, against the router; and the raw SSE bytes it parses.</summary>
public sealed class OpenAiCompatibilityTests
{
    [Fact]
    public async Task Sdk_non_streaming_against_the_demo_model_gets_text_usage_and_the_serving_model()
    {
        await using var server = await ModelRouterServer.StartAsync();
        var result = await server.Chat("auto").CompleteChatAsync([new UserChatMessage("What does a router do?")]);
        var completion = result.Value;

        Assert.Equal("crossroads-demo", completion.Model);
        Assert.Contains("demo model", completion.Content[0].Text, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.True(completion.Usage.OutputTokenCount > 10);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
        var headers = result.GetRawResponse().Headers;
        Assert.True(headers.TryGetValue("x-crossroads-model", out var model));
        Assert.Equal("crossroads-demo", model);
        Assert.True(headers.TryGetValue("x-crossroads-decision-id", out var id));
        Assert.Equal("chatcmpl-" + id, completion.Id);
    }

    [Fact]
    public async Task Sdk_streaming_through_a_fake_upstream_gets_every_word_once_and_the_usage()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").Text = "one two three four five six";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        var answer = await StreamedAnswer.ReadAsync(server.Chat("cheap").CompleteChatStreamingAsync([new UserChatMessage("count")], new ChatCompletionOptions()));

        Assert.Equal("one two three four five six", answer.Text);
        Assert.Equal(ChatFinishReason.Stop, answer.Finish);
        Assert.Equal("cheap", answer.Model);
        Assert.NotNull(answer.Usage);
        Assert.Equal(10, answer.Usage.InputTokenCount);
        Assert.Equal(6, answer.Usage.OutputTokenCount);
        Assert.Equal(1, upstream.Calls("cheap"));
        Assert.Contains("\"include_usage\":true", upstream.Bodies.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_sse_framing_is_role_chunk_content_chunks_finish_chunk_usage_chunk_then_done()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Model("cheap").Text = "alpha beta";
        await using var server = await ModelRouterServer.StartAsync(ModelRouterServer.TwoModels(upstream.BaseUrl));

        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", "hi", stream: true));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        var events = Json.SseData(body);
        Assert.Equal("[DONE]", events[^1]);
        // Byte for byte: each event is "data: " + its JSON + a blank line, nothing before, between or after.
        Assert.Equal(string.Concat(events.Select(static e => "data: " + e + "\n\n")), body);
        var chunks = events[..^1].Select(static e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, static c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(static c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("alpha", chunks[1].GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal(" beta", chunks[2].GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal("stop", chunks[3].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, chunks[3].GetProperty("usage").ValueKind);
        Assert.Equal(0, chunks[4].GetProperty("choices").GetArrayLength());
        Assert.Equal(2, chunks[4].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(5, chunks.Count);
        Assert.Equal("cheap", Json.Header(response, "x-crossroads-model"));
        Assert.Equal("1", Json.Header(response, "x-crossroads-attempts"));
        Assert.Equal("pinned", Json.Header(response, "x-crossroads-policy"));
    }

    [Fact]
    public async Task Without_include_usage_no_usage_member_and_no_usage_chunk()
    {
        await using var server = await ModelRouterServer.StartAsync();
        var request = Json.Chat("demo", "hi", stream: true);
        request.Remove("stream_options");
        using var response = await Json.PostAsync(server.Client, "/v1/chat/completions", request);
        string body = await response.Content.ReadAsStringAsync();
        var events = Json.SseData(body);

        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal(string.Concat(events.Select(static e => "data: " + e + "\n\n")), body);
        Assert.All(events[..^1], static e => Assert.False(JsonDocument.Parse(e).RootElement.TryGetProperty("usage", out _)));
        Assert.Equal("stop", JsonDocument.Parse(events[^2]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Models_are_listed_as_openai_lists_them_and_unknown_ones_are_404_in_both_shapes()
    {
        await using var server = await ModelRouterServer.StartAsync();
        var list = await Json.GetAsync(server.Client, "/v1/models");
        Assert.Equal("list", list.GetProperty("object").GetString());
        var ids = list.GetProperty("data").EnumerateArray().Select(static m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("crossroads-demo", ids);
        Assert.Contains("auto", ids);
        var one = await Json.GetAsync(server.Client, "/v1/models/demo");
        Assert.Equal("crossroads-demo", one.GetProperty("id").GetString());
        Assert.Equal("model", one.GetProperty("object").GetString());

        using var missing = await server.Client.GetAsync(new Uri("/v1/models/gpt-9", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var problem = await Json.ReadAsync(missing);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Equal("model_not_found", problem.GetProperty("error").GetProperty("code").GetString());

        var e = await Assert.ThrowsAsync<ClientResultException>(() => server.Chat("gpt-9").CompleteChatAsync([new UserChatMessage("x")]));
        Assert.Equal(404, e.Status);
        Assert.Contains("gpt-9", e.Message, StringComparison.Ordinal);
    }
}
