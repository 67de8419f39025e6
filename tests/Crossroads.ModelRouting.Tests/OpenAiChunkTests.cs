using System.Text;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>The chunk reader takes what the former JsonDocument walk took, and refuses what it refused.</summary>
public sealed class OpenAiChunkTests
{
    /// <summary>Parses the text and its UTF-8 bytes (what the stream reader hands over): both must give the same events or the same error.</summary>
    private static List<CompletionEvent> Parse(string data, string? eventName = null)
    {
        var events = new List<CompletionEvent>();
        var textError = Record.Exception(() => OpenAiChunk.Parse("up", new SseEvent(eventName, data), events));
        var fromBytes = new List<CompletionEvent>();
        var bytesError = Record.Exception(() => OpenAiChunk.Parse("up", eventName, Encoding.UTF8.GetBytes(data), fromBytes));
        Assert.Equal(events, fromBytes);
        Assert.Equal(textError?.GetType(), bytesError?.GetType());
        Assert.Equal(textError?.Message, bytesError?.Message);
        Assert.Equal((textError as ProviderException)?.UpstreamBody, (bytesError as ProviderException)?.UpstreamBody);
        if (textError is not null)
        {
            throw textError;
        }

        return events;
    }

    [Fact]
    public void Invalid_utf8_in_the_bytes_reads_as_replacement_characters_as_the_text_path_did()
    {
        byte[] data = [.. "{\"choices\":[{\"delta\":{\"content\":\"a"u8, 0xFF, 0xC3, .. "b\"}}]}"u8];
        var events = new List<CompletionEvent>();
        OpenAiChunk.Parse("up", null, data, events);
        Assert.Equal([CompletionEvent.Delta("a\uFFFD\uFFFDb")], events);
    }

    [Fact]
    public void The_service_tier_comes_before_the_chunk_s_content_and_is_absent_when_not_a_string()
    {
        var events = Parse("""{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}],"service_tier":"flex","usage":null}""");
        var odd = Parse("""{"service_tier":"batch-2","choices":[]}""");
        var none = Parse("""{"service_tier":null,"choices":[{"index":0,"delta":{"content":"a"}}]}""");

        Assert.Equal([CompletionEvent.Tier("flex"), CompletionEvent.Delta("a")], events);
        Assert.Equal([CompletionEvent.Tier("batch-2")], odd);
        Assert.Equal([CompletionEvent.Delta("a")], none);
    }

    [Fact]
    public void Reads_content_finish_and_usage_of_choice_zero_only()
    {
        var events = Parse("""
            {"id":"x","object":"chat.completion.chunk","choices":[
              {"index":1,"delta":{"content":"other"},"finish_reason":"stop"},
              {"delta":{"role":"assistant","content":"héllo \"q\""},"index":0,"logprobs":null,"finish_reason":"length"}],
             "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"details":{"a":[1,2]}}}
            """);

        Assert.Equal(
            [CompletionEvent.Delta("héllo \"q\""), CompletionEvent.Finish("length"), CompletionEvent.UsageReport(new TokenUsage(12, 3))],
            events);
    }

    [Fact]
    public void Skips_empty_content_null_finish_and_incomplete_usage()
    {
        Assert.Empty(Parse("""{"choices":[{"index":0,"delta":{"content":""},"finish_reason":null}],"usage":{"prompt_tokens":1}}"""));
        Assert.Empty(Parse("""{"choices":[],"usage":null}"""));
        Assert.Equal([CompletionEvent.Finish("content_filter")], Parse("""{"choices":[{"delta":{},"finish_reason":"content_filter"}]}"""));
    }

    [Fact]
    public void The_last_of_a_repeated_property_wins()
    {
        Assert.Equal(
            [CompletionEvent.Delta("b")],
            Parse("""{"choices":[{"delta":{"content":"a"}}],"choices":[{"delta":{"content":"x","content":"b"}}]}"""));
    }

    [Theory]
    [InlineData("""{"error":{"message":"overloaded"}}""", null)]
    [InlineData("""{"choices":[]}""", "error")]
    public void An_error_is_thrown_with_the_body(string data, string? eventName)
    {
        var e = Assert.Throws<ProviderException>(() => Parse(data, eventName));
        Assert.Equal(ProviderFailureKind.Stream, e.Kind);
        Assert.Equal(data, e.UpstreamBody);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("""{"choices":[}""")]
    [InlineData("""{"a":1} {"b":2}""")]
    [InlineData("[1,")]
    public void Malformed_json_is_a_stream_failure(string data)
    {
        var e = Assert.Throws<ProviderException>(() => Parse(data));
        Assert.Equal(ProviderFailureKind.Stream, e.Kind);
        Assert.Contains("not JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_is_not_an_object_is_refused()
    {
        var e = Assert.Throws<ProviderException>(() => Parse("[1]"));
        Assert.Contains("not a JSON object", e.Message, StringComparison.Ordinal);
    }
}
