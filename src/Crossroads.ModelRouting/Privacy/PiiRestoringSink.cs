using Crossroads.ModelRouting.Execution;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// Puts the client's values back in the answer before <paramref name="inner"/> writes it: in text deltas and in
/// tool-call arguments (each call's own stream, its originals escaped for JSON) and in the thinking text shown as
/// <c>reasoning_content</c> (its own stream), holding back only a tail that may still become a placeholder and flushing
/// it before the end or the error. Thinking blocks pass unchanged: their signature covers the text with placeholders,
/// and the client sends them back as they came. Only wrapped around a request whose
/// redaction produced placeholders, so other requests pay nothing. The engine counts what the upstream sent, before
/// this sink, so usage and billing do not change.
/// </summary>
public sealed class PiiRestoringSink(ICompletionSink inner, PiiPlaceholders placeholders) : ICompletionSink
{
    private readonly PlaceholderStream _text = new(placeholders, new RestoredOffsets());
    private readonly PlaceholderStream _reasoning = new(placeholders);
    private readonly List<string> _pendingAnnotations = [];
    private readonly Dictionary<int, PlaceholderStream> _arguments = [];
    private int _lastCall = -1;

    /// <summary>The replacements made in the answer's text, to map the upstream's annotation offsets through.</summary>
    private RestoredOffsets Offsets => _text.Offsets!;

    /// <inheritdoc />
    public ValueTask StartAsync(RouteStart start, CancellationToken cancellationToken) => inner.StartAsync(start, cancellationToken);

    /// <inheritdoc />
    public ValueTask DeltaAsync(string text, CancellationToken cancellationToken)
    {
        var restored = _text.Push(text);
        return restored.Length == 0 ? ValueTask.CompletedTask : inner.DeltaAsync(restored, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DeltaAsync(string text, string? logprobs, CancellationToken cancellationToken)
    {
        // Log probabilities still go with their chunk (their tokens are the upstream's, placeholders included).
        var restored = _text.Push(text);
        return restored.Length == 0 && logprobs is null ? ValueTask.CompletedTask : inner.DeltaAsync(restored, logprobs, cancellationToken);
    }

    /// <summary>
    /// Passed on with their offsets (<c>start_index</c>/<c>end_index</c>, counted by the upstream in its text with
    /// placeholders) mapped into the restored text (<see cref="RestoredOffsets"/>); URLs and titles from the web hold
    /// no placeholder of the client's and stay as they came. An annotation whose offsets all lie in text already let
    /// out goes on at once, mapped by the replacements made so far (which are all those before its offsets); one that
    /// reaches past it (into a held tail, or text still to come, where a placeholder may yet be restored) waits for the
    /// end of the answer and is mapped then. Held text is not flushed for them: it may be the start of a placeholder,
    /// and clients place annotations by their offsets, not by the order of chunks.
    /// </summary>
    public ValueTask AnnotationsAsync(string annotations, CancellationToken cancellationToken)
    {
        if (_pendingAnnotations.Count == 0 && AnnotationOffsets.Largest(annotations) <= Offsets.Consumed)
        {
            return inner.AnnotationsAsync(Offsets.Count == 0 ? annotations : AnnotationOffsets.Map(annotations, Offsets), cancellationToken);
        }

        // Later ones wait too, so annotations keep the order they came in.
        _pendingAnnotations.Add(annotations);
        return ValueTask.CompletedTask;
    }

    /// <summary>The thinking text is display text, restored like the content (in its own stream: the two interleave only at block ends).</summary>
    public ValueTask ReasoningAsync(string text, CancellationToken cancellationToken)
    {
        var restored = _reasoning.Push(text);
        return restored.Length == 0 ? ValueTask.CompletedTask : inner.ReasoningAsync(restored, cancellationToken);
    }

    /// <summary>
    /// Passed on verbatim, placeholders and all: Anthropic verifies the signature against this text when the block
    /// comes back. The thinking text held so far goes out first (the block ends its text).
    /// </summary>
    public async ValueTask ThinkingBlockAsync(ThinkingBlock block, CancellationToken cancellationToken)
    {
        await FlushReasoningAsync(cancellationToken).ConfigureAwait(false);
        await inner.ThinkingBlockAsync(block, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ToolCallAsync(ToolCallDelta delta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delta);

        // A new call begins: what the previous one held goes out first, so each call's pieces stay in order.
        if (delta.Index != _lastCall)
        {
            await FlushCallAsync(_lastCall, cancellationToken).ConfigureAwait(false);
            _lastCall = delta.Index;
        }

        if (delta.Arguments is not { Length: > 0 } arguments)
        {
            await inner.ToolCallAsync(delta, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!_arguments.TryGetValue(delta.Index, out var stream))
        {
            stream = _arguments[delta.Index] = new PlaceholderStream(placeholders.ForJson());
        }

        var restored = stream.Push(arguments);
        if (restored.Length > 0 || delta.Id is not null || delta.Name is not null)
        {
            await inner.ToolCallAsync(delta with { Arguments = restored }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(string finishReason, TokenUsage usage, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await inner.CompleteAsync(finishReason, usage, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask FailAsync(ProviderException error, TokenUsage usage, CancellationToken cancellationToken)
    {
        // What was held is text the upstream did send: the client gets it before the error, as without restoring.
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await inner.FailAsync(error, usage, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public bool TryRetract()
    {
        if (!inner.TryRetract())
        {
            return false;
        }

        _text.Reset();
        _pendingAnnotations.Clear();
        _reasoning.Reset();
        _arguments.Clear();
        _lastCall = -1;
        return true;
    }

    private async ValueTask FlushReasoningAsync(CancellationToken cancellationToken)
    {
        if (_reasoning.Holding)
        {
            await inner.ReasoningAsync(_reasoning.Flush(), cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await FlushReasoningAsync(cancellationToken).ConfigureAwait(false);
        if (_text.Holding)
        {
            await inner.DeltaAsync(_text.Flush(), cancellationToken).ConfigureAwait(false);
        }

        await FlushCallAsync(_lastCall, cancellationToken).ConfigureAwait(false);

        // The whole text is known now: every replacement before any offset is noted.
        foreach (var annotations in _pendingAnnotations)
        {
            await inner.AnnotationsAsync(AnnotationOffsets.Map(annotations, Offsets), cancellationToken).ConfigureAwait(false);
        }

        _pendingAnnotations.Clear();
    }

    private async ValueTask FlushCallAsync(int index, CancellationToken cancellationToken)
    {
        if (_arguments.TryGetValue(index, out var stream) && stream.Holding)
        {
            await inner.ToolCallAsync(new ToolCallDelta(index, null, null, stream.Flush()), cancellationToken).ConfigureAwait(false);
        }
    }
}
