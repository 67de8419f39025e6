using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Crossroads.ModelRouting.Execution;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.Server.ModelRouter;

/// <summary>Collects the answer for a non-streaming <c>chat.completion</c>.</summary>
internal sealed class BufferedSink : ICompletionSink
{
    private readonly List<(string Id, string Name, StringBuilder Arguments)> _tools = [];
    private readonly List<string> _annotations = [];

    public StringBuilder Text { get; } = new();

    /// <summary>The chunks' <c>logprobs</c>, joined (when the client asked for them and the upstream sent them).</summary>
    public LogprobsJoiner Logprobs { get; } = new();

    /// <summary>The tool calls of the answer, their pieces joined (in index order).</summary>
    public IReadOnlyList<ToolCall> ToolCalls => [.. _tools.Select(static t => new ToolCall(t.Id, t.Name, t.Arguments.ToString()))];

    public RouteStart? Start { get; private set; }

    /// <summary>The upstream's annotations, each as its JSON text, in the order they came (the pieces of a stream joined into one array).</summary>
    public IReadOnlyList<string> Annotations => _annotations;

    /// <summary>The thinking text, its pieces joined (<c>reasoning_content</c>; empty when the model did not think).</summary>
    public StringBuilder Reasoning { get; } = new();

    /// <summary>The answer's thinking blocks in the upstream's order (<c>thinking_blocks</c>).</summary>
    public List<ThinkingBlock> ThinkingBlocks { get; } = [];

    public ValueTask ReasoningAsync(string text, CancellationToken cancellationToken)
    {
        Reasoning.Append(text);
        return ValueTask.CompletedTask;
    }

    public ValueTask ThinkingBlockAsync(ThinkingBlock block, CancellationToken cancellationToken)
    {
        ThinkingBlocks.Add(block);
        return ValueTask.CompletedTask;
    }

    public ValueTask StartAsync(RouteStart start, CancellationToken cancellationToken)
    {
        Start = start;
        return ValueTask.CompletedTask;
    }

    public ValueTask DeltaAsync(string text, CancellationToken cancellationToken)
    {
        Text.Append(text);
        return ValueTask.CompletedTask;
    }

    public ValueTask DeltaAsync(string text, string? logprobs, CancellationToken cancellationToken)
    {
        Text.Append(text);
        if (logprobs is not null)
        {
            Logprobs.Add(logprobs);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Joins the pieces by index, as an SDK reassembles a stream: the first piece of a call names it, the others add argument fragments.</summary>
    public ValueTask ToolCallAsync(ToolCallDelta delta, CancellationToken cancellationToken)
    {
        while (_tools.Count <= delta.Index)
        {
            _tools.Add((string.Empty, string.Empty, new StringBuilder()));
        }

        var (id, name, arguments) = _tools[delta.Index];
        arguments.Append(delta.Arguments);
        _tools[delta.Index] = (delta.Id ?? id, delta.Name ?? name, arguments);
        return ValueTask.CompletedTask;
    }

    public ValueTask AnnotationsAsync(string annotations, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(annotations);
        foreach (var annotation in document.RootElement.EnumerateArray())
        {
            _annotations.Add(annotation.GetRawText());
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(string finishReason, TokenUsage usage, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask FailAsync(ProviderException error, TokenUsage usage, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Nothing went out yet: the partial text is dropped and the next attempt starts afresh.</summary>
    public bool TryRetract()
    {
        Text.Clear();
        Reasoning.Clear();
        ThinkingBlocks.Clear();
        _annotations.Clear();
        Logprobs.Clear();
        _tools.Clear();
        Start = null;
        return true;
    }
}

/// <summary>
/// Streams <c>chat.completion.chunk</c> events as OpenAI does: a first chunk with the role, one per piece of text, one
/// with the finish reason, with <c>stream_options.include_usage</c> a last chunk with <c>choices: []</c> and the usage
/// (and <c>usage: null</c> on the others), then <c>data: [DONE]</c>. An upstream failure after content ends the
/// stream with <c>data: {"error":{...}}</c> and no <c>[DONE]</c>, so clients cannot mistake it for a whole answer.
/// </summary>
internal sealed class SseChatSink(HttpResponse response, bool includeUsage, long created) : ICompletionSink
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private string _id = string.Empty;
    private string _model = string.Empty;
    private string? _serviceTier;

    public async ValueTask StartAsync(RouteStart start, CancellationToken cancellationToken)
    {
        _id = "chatcmpl-" + start.DecisionId;
        _model = start.Model.Id;
        _serviceTier = start.ServiceTier;
        DecisionHeaders.Apply(response, start.DecisionId, start.Model.Id, start.Attempt, start.Plan.Policy.Name());
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await WriteChunkAsync(ChunkPart.Role, null, null, null, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DeltaAsync(string text, CancellationToken cancellationToken) =>
        WriteChunkAsync(ChunkPart.Content, text, null, null, cancellationToken);

    /// <summary>A content chunk carrying the upstream chunk's <c>logprobs</c> object unchanged.</summary>
    public ValueTask DeltaAsync(string text, string? logprobs, CancellationToken cancellationToken) =>
        WriteChunkAsync(ChunkPart.Content, text, null, null, cancellationToken, logprobs: logprobs);

    public ValueTask ToolCallAsync(ToolCallDelta delta, CancellationToken cancellationToken) =>
        WriteChunkAsync(ChunkPart.ToolCall, null, null, null, cancellationToken, tool: delta);

    /// <summary>A chunk whose delta is a piece of thinking text (<c>reasoning_content</c>).</summary>
    public ValueTask ReasoningAsync(string text, CancellationToken cancellationToken) =>
        WriteChunkAsync(ChunkPart.Reasoning, text, null, null, cancellationToken);

    /// <summary>A chunk whose delta is <c>thinking_blocks: [the whole block]</c>, when the block ended (its signature known).</summary>
    public ValueTask ThinkingBlockAsync(ThinkingBlock block, CancellationToken cancellationToken) =>
        WriteChunkAsync(ChunkPart.ThinkingBlock, null, null, null, cancellationToken, block: block);

    /// <summary>A chunk whose delta is the upstream's <c>annotations</c> array, as it came.</summary>
    public ValueTask AnnotationsAsync(string annotations, CancellationToken cancellationToken) =>
        WriteChunkAsync(ChunkPart.Annotations, annotations, null, null, cancellationToken);

    public async ValueTask CompleteAsync(string finishReason, TokenUsage usage, CancellationToken cancellationToken)
    {
        await WriteChunkAsync(ChunkPart.Finish, null, finishReason, null, cancellationToken, flush: !includeUsage).ConfigureAwait(false);
        if (includeUsage)
        {
            await WriteChunkAsync(ChunkPart.Usage, null, null, usage, cancellationToken, flush: false).ConfigureAwait(false);
        }

        response.BodyWriter.Write(Done);
        await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The chunks already went out.</summary>
    public bool TryRetract() => false;

    public async ValueTask FailAsync(ProviderException error, TokenUsage usage, CancellationToken cancellationToken)
    {
        var body = OpenAiWire.ToBytes(
            new OpenAiError($"The upstream failed after the answer started ({error.Message}); the answer is incomplete.", "server_error", null, "upstream_failed_after_content"),
            OpenAiWire.Error);
        await WriteEventAsync(body, true, cancellationToken).ConfigureAwait(false);
    }

    // Each event is written straight into the response's pipe ("data: ", the JSON, a blank line) and flushed: no
    // array per event (there were two, the JSON and the framed event). Unflushed events (the finish chunk before the
    // usage chunk) go out with the next flush, as the answer's last bytes do.
    private ValueTask WriteChunkAsync(ChunkPart part, string? content, string? finish, TokenUsage? usage, CancellationToken cancellationToken, bool flush = true, ToolCallDelta? tool = null, string? logprobs = null, ThinkingBlock? block = null)
    {
        var output = response.BodyWriter;
        output.Write(DataPrefix);
        OpenAiWire.WriteTo(
            output,
            (this, part, content, finish, usage, tool, logprobs, block),
            static (w, s) => OpenAiWire.Chunk(w, s.Item1._id, s.Item1.Created, s.Item1._model, s.part, s.content, s.finish, s.usage, s.Item1.IncludeUsage, s.tool, s.logprobs, s.Item1._serviceTier, s.block));
        output.Write(EventEnd);
        return flush ? FlushAsync(output, cancellationToken) : ValueTask.CompletedTask;
    }

    private static async ValueTask FlushAsync(PipeWriter output, CancellationToken cancellationToken) =>
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);

    private bool IncludeUsage => includeUsage;

    private long Created => created;

    private ValueTask WriteEventAsync(byte[] json, bool flush, CancellationToken cancellationToken)
    {
        var output = response.BodyWriter;
        output.Write(DataPrefix);
        output.Write(json);
        output.Write(EventEnd);
        return flush ? FlushAsync(output, cancellationToken) : ValueTask.CompletedTask;
    }
}

/// <summary>
/// ATP's <c>/v1/ask</c> stream (<c>application/x-ndjson</c>): a <c>plan</c> line (candidates, reason), <c>chunk</c>
/// lines (<c>seq</c>, <c>text</c>, <c>model</c>), and a <c>final</c> line with the whole text, real token counts and
/// cost, or an <c>error</c> line when the upstream failed after the answer started.
/// </summary>
internal sealed class AskSink(HttpResponse response) : ICompletionSink
{
    private readonly StringBuilder _text = new();
    private RouteStart? _start;
    private int _seq;

    public async ValueTask StartAsync(RouteStart start, CancellationToken cancellationToken)
    {
        _start = start;
        DecisionHeaders.Apply(response, start.DecisionId, start.Model.Id, start.Attempt, start.Plan.Policy.Name());
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/x-ndjson";
        response.Headers.CacheControl = "no-cache";
        await WriteLineAsync(start, static (w, start) => AskWire.Plan(w, start.DecisionId, start.Plan, start.Model.Id), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DeltaAsync(string text, CancellationToken cancellationToken)
    {
        _text.Append(text);
        int seq = _seq++;
        return WriteLineAsync((seq, text, _start!.Model.Id), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type", "chunk");
            w.WriteNumber("seq", s.seq);
            w.WriteString("text", s.text);
            w.WriteString("model", s.Item3);
            w.WriteEndObject();
        }, cancellationToken);
    }

    public ValueTask CompleteAsync(string finishReason, TokenUsage usage, CancellationToken cancellationToken)
    {
        var model = _start!.Model;
        var cost = model.CostUsd(usage);
        return WriteLineAsync((this, model.Id, finishReason, usage, cost), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type", "final");
            w.WriteString("request_id", s.Item1._start!.DecisionId);
            w.WriteString("text", s.Item1._text.ToString());
            w.WriteString("model_used", s.Item2);
            w.WriteNumber("tokens_in", s.usage.PromptTokens);
            w.WriteNumber("tokens_out", s.usage.CompletionTokens);
            w.WriteNumber("tokens_cached", s.usage.CachedTokens);
            w.WriteNumber("tokens_reasoning", s.usage.ReasoningTokens);
            w.WriteNumber("cost_usd", s.cost);
            w.WriteString("finish_reason", s.finishReason);
            w.WriteNumber("attempts", s.Item1._start.Attempt);
            w.WriteString("policy", s.Item1._start.Plan.Policy.Name());
            w.WriteString("cluster", s.Item1._start.Plan.Cluster);
            w.WriteEndObject();
        }, cancellationToken);
    }

    /// <summary>
    /// ATP's lines have no place for tool calls, and an ask offers no tools (its parser reads none), so an upstream
    /// cannot make one here; should one arrive anyway it is not text and is left out of the lines.
    /// </summary>
    public ValueTask ToolCallAsync(ToolCallDelta delta, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The lines already went out.</summary>
    public bool TryRetract() => false;

    public ValueTask FailAsync(ProviderException error, TokenUsage usage, CancellationToken cancellationToken) =>
        WriteLineAsync(error.Message, static (w, message) =>
        {
            w.WriteStartObject();
            w.WriteString("type", "error");
            w.WriteString("code", "upstream_failed_after_content");
            w.WriteString("message", "The upstream failed after the answer started (" + message + "); the answer is incomplete.");
            w.WriteEndObject();
        }, cancellationToken);

    private async ValueTask WriteLineAsync<TState>(TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken)
    {
        var json = OpenAiWire.ToBytes(state, write);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        await response.Body.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>ATP's plan object, for the <c>plan</c> line and <c>POST /v1/plan</c>.</summary>
internal static class AskWire
{
    public static void Plan(Utf8JsonWriter w, string decisionId, RoutingPlan plan, string? chosen)
    {
        w.WriteStartObject();
        w.WriteString("type", "plan");
        w.WriteString("request_id", decisionId);
        w.WriteString("policy", plan.Policy.Name());
        w.WriteString("cluster", plan.Cluster);
        w.WriteString("reason", plan.Reason);
        if (chosen is null)
        {
            w.WriteNull("chosen");
        }
        else
        {
            w.WriteString("chosen", chosen);
        }

        w.WriteStartArray("fallbacks");
        foreach (var m in plan.Attempts.Skip(1))
        {
            w.WriteStringValue(m.Id);
        }

        w.WriteEndArray();
        w.WriteNumber("max_output_tokens", plan.MaxOutputTokens);
        w.WriteStartArray("candidates");
        foreach (var c in plan.Candidates)
        {
            w.WriteStartObject();
            w.WriteString("model", c.Model);
            w.WriteString("upstream", c.Upstream);
            w.WriteBoolean("eligible", c.Eligible);
            w.WriteStartArray("excluded_by");
            foreach (var x in c.Exclusions)
            {
                w.WriteStartObject();
                w.WriteString("code", x.Code);
                w.WriteString("detail", x.Detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("est_cost_usd", c.EstimatedCostUsd);
            w.WriteNumber("quality", c.Quality);
            w.WriteNumber("latency_p95_ms", c.LatencyP95Ms);
            w.WriteString("latency_source", c.LatencySource);
            if (c.Score is { } score)
            {
                w.WriteNumber("score", score);
            }
            else
            {
                w.WriteNull("score");
            }

            if (c.Rank is { } rank)
            {
                w.WriteNumber("rank", rank);
            }
            else
            {
                w.WriteNull("rank");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
