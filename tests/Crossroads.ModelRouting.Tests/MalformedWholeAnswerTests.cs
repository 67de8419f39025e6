using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// Whole answers (and stream events) an upstream malformed: a provider failure (the engine falls back, or answers
/// 502) or read as far as they make sense, never another exception (which escapes the engine as a 500).
/// </summary>
public sealed class MalformedWholeAnswerTests
{
    /// <summary>Counts that are not 32-bit integers: no usage (the router counts locally), as the streamed path reads them.</summary>
    [Theory]
    [InlineData("""{"prompt_tokens":1.5,"completion_tokens":2}""")]
    [InlineData("""{"prompt_tokens":20,"completion_tokens":1e20}""")]
    [InlineData("""{"prompt_tokens":-20000000000,"completion_tokens":2}""")]
    public async Task A_whole_openai_answer_with_non_integer_usage_counts_has_no_usage(string usage)
    {
        var provider = OpenAi("""
            {"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi."},"finish_reason":"stop"}],"usage":
            """ + usage + "}");

        var events = await RunAsync(provider);

        Assert.Equal([CompletionEvent.Delta("Hi.", null), CompletionEvent.Finish("stop")], events);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("""{"choices":[1]}""")]
    [InlineData("""{"choices":[{"message":"Hi."}]}""")]
    [InlineData("""{"choices":[{"message":{"content":"Hi."},"logprobs":{}}],"usage":[]}""")]
    public async Task A_whole_openai_answer_of_the_wrong_shape_is_a_provider_failure_or_read_as_far_as_it_goes(string body)
    {
        var error = await Record.ExceptionAsync(() => RunAsync(OpenAi(body)));

        Assert.True(error is null or ProviderException, $"threw {error}");
    }

    [Fact]
    public void An_anthropic_message_start_whose_message_is_not_an_object_is_ignored()
    {
        var provider = new AnthropicProvider("a", new HttpClient(StubHandler.Json("{}")), new Uri("https://api.example.test"), null, 100);
        var events = new List<CompletionEvent>();

        var error = Record.Exception(() => provider.ParseEvent(new SseEvent("message_start", """{"type":"message_start","message":"hi"}"""), new AnthropicProvider.StreamState(), events));

        Assert.Null(error);
        Assert.Empty(events);
    }

    private static OpenAiCompatibleProvider OpenAi(string body) =>
        new("o", new HttpClient(StubHandler.Json(body)), new Uri("https://api.example.test/v1"), null);

    private static async Task<List<CompletionEvent>> RunAsync(IModelProvider provider)
    {
        var events = new List<CompletionEvent>();
        await foreach (var e in provider.StreamAsync("m", new ProviderRequest { Messages = [new("user", "hi")] }, CancellationToken.None))
        {
            events.Add(e);
        }

        return events;
    }
}
