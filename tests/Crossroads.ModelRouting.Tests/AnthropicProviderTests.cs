using System.Net;
using System.Text.Json;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>The Messages API adapter against canned HTTP answers: request mapping, stream events, errors.</summary>
public sealed class AnthropicProviderTests
{
    private const string Stream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","stop_reason":null,"usage":{"input_tokens":25,"cache_read_input_tokens":5,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" world"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":15}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    private static ProviderRequest Request(params ChatMessage[] messages) => new() { Messages = messages };

    private static async Task<List<CompletionEvent>> RunAsync(AnthropicProvider provider, ProviderRequest? request = null)
    {
        var events = new List<CompletionEvent>();
        await foreach (var e in provider.StreamAsync("claude-x", request ?? Request(new ChatMessage("user", "hi")), CancellationToken.None))
        {
            events.Add(e);
        }

        return events;
    }

    private static (AnthropicProvider Provider, StubHandler Handler) Create(HttpStatusCode status, string body, string mediaType = "text/event-stream", Action<HttpResponseMessage>? headers = null)
    {
        var handler = new StubHandler(status, body, mediaType, headers);
        return (new AnthropicProvider("anthropic", new HttpClient(handler), new Uri("https://api.example.test"), "sk-ant-1", 512), handler);
    }

    [Fact]
    public async Task A_stream_becomes_text_deltas_the_finish_reason_and_usage_with_cached_prompt_tokens_counted()
    {
        var (provider, handler) = Create(HttpStatusCode.OK, Stream.Replace("\r\n", "\n", StringComparison.Ordinal));

        var events = await RunAsync(provider);

        Assert.Equal(
            [CompletionEvent.Delta("Hello"), CompletionEvent.Delta(" world"), CompletionEvent.Finish("length"), CompletionEvent.UsageReport(new TokenUsage(30, 15) { CachedTokens = 5 })],
            events);
        Assert.Equal(new Uri("https://api.example.test/v1/messages"), handler.Request!.RequestUri);
        Assert.Equal("sk-ant-1", handler.Request.Headers.GetValues("x-api-key").Single());
        Assert.Equal("2023-06-01", handler.Request.Headers.GetValues("anthropic-version").Single());
    }

    [Fact]
    public void The_request_lifts_system_messages_merges_turns_and_always_sets_max_tokens()
    {
        var (provider, _) = Create(HttpStatusCode.OK, string.Empty);
        var request = new ProviderRequest
        {
            Messages = [new("system", "Be brief."), new("user", "a"), new("user", "b"), new("assistant", "c"), new("developer", "No emoji."), new("tool", "d")],
            Temperature = 1.6,
            TopP = 0.9,
            Stop = ["END"],
            User = "u-1",
            Seed = 3,
        };

        using var body = JsonDocument.Parse(provider.RequestBody("claude-x", request));
        var root = body.RootElement;

        Assert.Equal("claude-x", root.GetProperty("model").GetString());
        Assert.Equal(512, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal("Be brief.\n\nNo emoji.", root.GetProperty("system").GetString());
        Assert.Equal(
            ["user:a\n\nb", "assistant:c", "user:d"],
            root.GetProperty("messages").EnumerateArray().Select(static m => m.GetProperty("role").GetString() + ":" + m.GetProperty("content").GetString()));
        Assert.Equal(1, root.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, root.GetProperty("top_p").GetDouble());
        Assert.Equal("END", root.GetProperty("stop_sequences")[0].GetString());
        Assert.Equal("u-1", root.GetProperty("metadata").GetProperty("user_id").GetString());
        Assert.False(root.TryGetProperty("seed", out _));
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.Equal(40, JsonDocument.Parse(provider.RequestBody("m", request with { MaxTokens = 40 })).RootElement.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task An_overloaded_error_event_is_a_retryable_failure_carrying_529()
    {
        const string Overloaded = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
        var (provider, _) = Create(HttpStatusCode.OK, Overloaded);

        var error = await Assert.ThrowsAsync<ProviderException>(() => RunAsync(provider));

        Assert.Equal(ProviderFailureKind.Stream, error.Kind);
        Assert.Equal(529, error.StatusCode);
        Assert.True(error.Retryable);
        Assert.Contains("overloaded_error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_carries_the_upstreams_retry_after()
    {
        var (provider, _) = Create(
            HttpStatusCode.TooManyRequests,
            """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""",
            "application/json",
            static r => r.Headers.TryAddWithoutValidation("Retry-After", "7"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => RunAsync(provider));

        Assert.Equal(429, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Contains("slow down", error.UpstreamBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_cut_before_message_stop_is_a_connection_failure()
    {
        var cut = Stream.Replace("\r\n", "\n", StringComparison.Ordinal);
        cut = cut[..cut.IndexOf("event: message_delta", StringComparison.Ordinal)];
        var (provider, _) = Create(HttpStatusCode.OK, cut);

        var error = await Assert.ThrowsAsync<ProviderException>(() => RunAsync(provider));

        Assert.Equal(ProviderFailureKind.Connection, error.Kind);
    }

    [Fact]
    public async Task A_whole_json_message_is_accepted_too()
    {
        var (provider, _) = Create(
            HttpStatusCode.OK,
            """{"type":"message","content":[{"type":"text","text":"Hi"},{"type":"text","text":" there"}],"stop_reason":"end_turn","usage":{"input_tokens":4,"output_tokens":2}}""",
            "application/json");

        Assert.Equal(
            [CompletionEvent.Delta("Hi there"), CompletionEvent.Finish("stop"), CompletionEvent.UsageReport(new TokenUsage(4, 2))],
            await RunAsync(provider));
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    [InlineData("pause_turn", "stop")]
    [InlineData(null, "stop")]
    public void Stop_reasons_map_to_openai_finish_reasons(string? stopReason, string finish) =>
        Assert.Equal(finish, AnthropicProvider.FinishReason(stopReason));
}
