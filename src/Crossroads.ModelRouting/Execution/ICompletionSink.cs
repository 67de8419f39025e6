using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Execution;

/// <summary>
/// Where a routed answer goes (a JSON body, an SSE stream, ATP NDJSON lines). Nothing is called before the first
/// content of an attempt arrives, so failed attempts before it leave no trace with the client and the next
/// candidate can be tried; after <see cref="StartAsync"/> the answer is committed.
/// </summary>
public interface ICompletionSink
{
    /// <summary>The first content arrived: commit the response (status, headers).</summary>
    ValueTask StartAsync(RouteStart start, CancellationToken cancellationToken);

    /// <summary>A piece of text.</summary>
    ValueTask DeltaAsync(string text, CancellationToken cancellationToken);

    /// <summary>
    /// A piece of text with the upstream's <c>logprobs</c> object for it (JSON text, null when none came). Sinks that
    /// cannot carry log probabilities (ATP's NDJSON) keep the default, which drops them.
    /// </summary>
    ValueTask DeltaAsync(string text, string? logprobs, CancellationToken cancellationToken) => DeltaAsync(text, cancellationToken);

    /// <summary>
    /// The answer's <c>annotations</c> (a JSON array's text, as the upstream sent it; after <see cref="StartAsync"/>).
    /// Sinks that cannot carry them (ATP's NDJSON) keep the default, which drops them.
    /// </summary>
    ValueTask AnnotationsAsync(string annotations, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// A piece of the model's thinking text (after <see cref="StartAsync"/>). Sinks that cannot carry it (ATP's NDJSON)
    /// keep the default, which drops it.
    /// </summary>
    ValueTask ReasoningAsync(string text, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// A whole thinking block, signed or redacted, when it ended (its text came before through
    /// <see cref="ReasoningAsync"/>): the client sends it back, unchanged, to continue a tool-use loop. Sinks that
    /// cannot carry it keep the default, which drops it.
    /// </summary>
    ValueTask ThinkingBlockAsync(ThinkingBlock block, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>A piece of a tool call (the first piece of each call has its id and name; arguments come in fragments).</summary>
    ValueTask ToolCallAsync(ToolCallDelta delta, CancellationToken cancellationToken);

    /// <summary>The answer ended normally.</summary>
    ValueTask CompleteAsync(string finishReason, TokenUsage usage, CancellationToken cancellationToken);

    /// <summary>The upstream failed after <see cref="StartAsync"/>: end the answer with an error.</summary>
    ValueTask FailAsync(ProviderException error, TokenUsage usage, CancellationToken cancellationToken);

    /// <summary>
    /// After a failure mid-answer: forgets what the attempt wrote, so the next candidate can answer instead. True only
    /// for sinks that held everything back (a non-streamed answer, where nothing reached the client); a stream that
    /// already went out answers false and the request ends with <see cref="FailAsync"/>.
    /// </summary>
    bool TryRetract();
}
