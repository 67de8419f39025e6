using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// A streamed Anthropic <c>message_delta</c> whose usage repeats <c>input_tokens</c> without the cache counts: the
/// start's cache counts are kept (a count the delta leaves out keeps its value), so the prompt, which includes
/// them, must keep them too.
/// </summary>
public sealed class AnthropicDeltaUsageTests
{
    [Fact]
    public void A_delta_repeating_only_input_tokens_keeps_the_cache_counts_in_the_prompt()
    {
        var events = AnthropicCacheCountTests.Stream(
            """{"type":"message_start","message":{"usage":{"input_tokens":10,"cache_creation_input_tokens":30,"cache_read_input_tokens":60,"output_tokens":1}}}""",
            """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":10,"output_tokens":7}}""");

        var usage = events.Single(static e => e.Kind == CompletionEventKind.Usage).Usage;

        Assert.Equal(new TokenUsage(100, 7) { CachedTokens = 60, CacheWriteTokens = 30 }, usage);
        Assert.Equal(10, usage.UncachedPromptTokens);
    }

    [Fact]
    public void A_delta_repeating_every_count_replaces_them_all()
    {
        var events = AnthropicCacheCountTests.Stream(
            """{"type":"message_start","message":{"usage":{"input_tokens":10,"cache_creation_input_tokens":30,"cache_read_input_tokens":60,"output_tokens":1}}}""",
            """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":90,"output_tokens":7}}""");

        Assert.Equal(new TokenUsage(102, 7) { CachedTokens = 90 }, events.Single(static e => e.Kind == CompletionEventKind.Usage).Usage);
    }
}
