using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// Reads one OpenAI <c>chat.completion.chunk</c> with a forward-only <see cref="Utf8JsonReader"/>: an answer is a
/// dozen or more chunks, and building a <see cref="JsonDocument"/> for each cost a measurable share of the router's
/// CPU per request. What it takes is what the document walk took (the last of a repeated property wins, as with
/// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>): choice 0's <c>delta.content</c>,
/// <c>delta.tool_calls</c> (each piece's <c>index</c>, <c>id</c>, <c>function.name</c>, <c>function.arguments</c>) and
/// <c>finish_reason</c>, <c>delta.annotations</c> (kept as JSON text), its <c>logprobs</c> object (kept as JSON text, byte for byte), the top-level <c>usage</c> and <c>service_tier</c>, and an <c>error</c> (thrown).
/// </summary>
internal static class OpenAiChunk
{
    /// <summary>Adds the events of <paramref name="sse"/> to <paramref name="events"/>; throws <see cref="ProviderException"/> for an error or a malformed chunk.</summary>
    public static void Parse(string upstream, SseEvent sse, List<CompletionEvent> events) => Parse(upstream, sse.Event, sse.Data, events);

    /// <summary>Adds the events of the event <paramref name="eventName"/> with <paramref name="data"/>; throws <see cref="ProviderException"/> for an error or a malformed chunk.</summary>
    public static void Parse(string upstream, string? eventName, ReadOnlySpan<char> data, List<CompletionEvent> events)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(data.Length));
        try
        {
            int length = Encoding.UTF8.GetBytes(data, rented);
            bool error;
            try
            {
                error = Read(rented.AsSpan(0, length), events, out bool isObject);
                if (!isObject)
                {
                    throw new ProviderException(ProviderFailureKind.Stream, $"upstream '{upstream}' sent an event that is not a JSON object");
                }
            }
            catch (JsonException e)
            {
                throw new ProviderException(ProviderFailureKind.Stream, $"upstream '{upstream}' sent an event that is not JSON", inner: e);
            }

            if (error || eventName == "error")
            {
                throw new ProviderException(ProviderFailureKind.Stream, $"upstream '{upstream}' sent an error in its stream", upstreamBody: UpstreamHttp.Truncate(data.ToString()));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Adds the events of the event <paramref name="eventName"/> with the UTF-8 <paramref name="data"/>, read in place;
    /// throws <see cref="ProviderException"/> for an error or a malformed chunk. Invalid UTF-8 is read as the text
    /// path read it (each bad sequence a U+FFFD), so both paths give the same events.
    /// </summary>
    public static void Parse(string upstream, string? eventName, ReadOnlySpan<byte> data, List<CompletionEvent> events)
    {
        if (!System.Text.Unicode.Utf8.IsValid(data))
        {
            Parse(upstream, eventName, Encoding.UTF8.GetString(data), events);
            return;
        }

        bool error;
        try
        {
            error = Read(data, events, out bool isObject);
            if (!isObject)
            {
                throw new ProviderException(ProviderFailureKind.Stream, $"upstream '{upstream}' sent an event that is not a JSON object");
            }
        }
        catch (JsonException e)
        {
            throw new ProviderException(ProviderFailureKind.Stream, $"upstream '{upstream}' sent an event that is not JSON", inner: e);
        }

        if (error || eventName == "error")
        {
            throw new ProviderException(ProviderFailureKind.Stream, $"upstream '{upstream}' sent an error in its stream", upstreamBody: UpstreamHttp.Truncate(Encoding.UTF8.GetString(data)));
        }
    }

    /// <summary>Reads the whole chunk (so malformed JSON anywhere throws, as a full parse did); true when it has a top-level <c>error</c>.</summary>
    private static bool Read(ReadOnlySpan<byte> json, List<CompletionEvent> events, out bool isObject)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read())
        {
            throw new JsonException("empty event");
        }

        isObject = reader.TokenType == JsonTokenType.StartObject;
        if (!isObject)
        {
            reader.Skip();
            EnsureEnd(ref reader);
            return false;
        }

        int first = events.Count;
        bool error = false;
        TokenUsage? usage = null;
        string? tier = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("error"u8))
            {
                error = true;
                reader.Read();
                reader.Skip();
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                // A repeated "choices" replaces the earlier one.
                events.RemoveRange(first, events.Count - first);
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    ReadChoices(ref reader, json, events);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                usage = ReadUsage(ref reader);
            }
            else if (reader.ValueTextEquals("service_tier"u8))
            {
                reader.Read();
                tier = reader.TokenType == JsonTokenType.String ? ServiceTier(ref reader) : null;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        EnsureEnd(ref reader);

        // The tier comes first: it describes the whole answer, and the router writes it with its first chunk.
        if (tier is not null)
        {
            events.Insert(first, CompletionEvent.Tier(tier));
        }

        if (usage is { } u)
        {
            events.Add(CompletionEvent.UsageReport(u));
        }

        return error;
    }

    /// <summary>Nothing but white space may follow the chunk's value (the reader throws for anything else).</summary>
    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new JsonException("more than one JSON value");
        }
    }

    /// <summary>Reader on the array's start; leaves it on the array's end.</summary>
    private static void ReadChoices(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, List<CompletionEvent> events)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            bool otherChoice = false;
            string? text = null;
            string? finish = null;
            string? logprobs = null;
            List<ToolCallDelta>? tools = null;
            string? annotations = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    otherChoice = reader.TokenType == JsonTokenType.Number && !(reader.TryGetInt32(out int index) && index == 0);
                }
                else if (reader.ValueTextEquals("delta"u8))
                {
                    reader.Read();
                    text = reader.TokenType == JsonTokenType.StartObject ? ReadDelta(ref reader, json, ref tools, ref annotations) : null;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("logprobs"u8))
                {
                    // Only asked-for answers carry an object here (null otherwise): copied as the upstream wrote it.
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        int start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        logprobs = System.Text.Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
                    }
                    else
                    {
                        logprobs = null;
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    reader.Read();
                    finish = reader.TokenType == JsonTokenType.String ? FinishReason(ref reader) : null;
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (otherChoice)
            {
                continue;
            }

            if (text is { Length: > 0 })
            {
                events.Add(CompletionEvent.Delta(text, logprobs));
            }

            if (tools is not null)
            {
                foreach (var tool in tools)
                {
                    events.Add(CompletionEvent.ToolCallPart(tool));
                }
            }

            if (annotations is not null)
            {
                events.Add(CompletionEvent.AnnotationList(annotations));
            }

            if (finish is not null)
            {
                events.Add(CompletionEvent.Finish(finish));
            }
        }
    }

    /// <summary>
    /// Reader on the delta's start; leaves it on the delta's end. The string <c>content</c>, if any; the pieces of
    /// <c>tool_calls</c> into <paramref name="tools"/>; a non-empty <c>annotations</c> array, as the upstream wrote it, into <paramref name="annotations"/>.
    /// </summary>
    private static string? ReadDelta(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ref List<ToolCallDelta>? tools, ref string? annotations)
    {
        string? content = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isContent = reader.ValueTextEquals("content"u8);
            bool isTools = !isContent && reader.ValueTextEquals("tool_calls"u8);
            bool isAnnotations = !isContent && !isTools && reader.ValueTextEquals("annotations"u8);
            reader.Read();
            if (isContent)
            {
                content = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (isAnnotations)
            {
                // Copied byte for byte, as logprobs are: the router has nothing to change in a citation.
                int start = (int)reader.TokenStartIndex;
                bool isArray = reader.TokenType == JsonTokenType.StartArray;
                reader.Skip();
                annotations = isArray && HasElement(json[start..(int)reader.BytesConsumed])
                    ? Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed])
                    : null;
                continue;
            }
            else if (isTools && reader.TokenType == JsonTokenType.StartArray)
            {
                // A repeated "tool_calls" replaces the earlier one, as for the other members.
                tools = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.StartObject && ReadToolCall(ref reader) is { } tool)
                    {
                        tools.Add(tool);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                continue;
            }

            reader.Skip();
        }

        return content;
    }

    /// <summary>Whether a JSON array's text holds an element (<c>[ ]</c> has none: nothing to relay).</summary>
    private static bool HasElement(ReadOnlySpan<byte> array)
    {
        var reader = new Utf8JsonReader(array);
        return reader.Read() && reader.Read() && reader.TokenType != JsonTokenType.EndArray;
    }

    /// <summary>Reader on a tool call piece's start; leaves it on its end. Null without an <c>index</c> (no client could place it).</summary>
    private static ToolCallDelta? ReadToolCall(ref Utf8JsonReader reader)
    {
        int? index = null;
        string? id = null;
        string? name = null;
        string? arguments = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int i) && i >= 0 ? i : null;
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("function"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isName = reader.ValueTextEquals("name"u8);
                    bool isArguments = !isName && reader.ValueTextEquals("arguments"u8);
                    reader.Read();
                    if (isName)
                    {
                        name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }
                    else if (isArguments)
                    {
                        arguments = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }

                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return index is { } at ? new ToolCallDelta(at, id, name, arguments) : null;
    }

    /// <summary>The usual reasons as shared strings: one finish per answer need not allocate.</summary>
    private static string FinishReason(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("stop"u8) ? "stop"
        : reader.ValueTextEquals("length"u8) ? "length"
        : reader.ValueTextEquals("tool_calls"u8) ? "tool_calls"
        : reader.GetString()!;

    /// <summary>OpenAI's tiers as shared strings: every chunk carries one, and none of them need allocate.</summary>
    private static string ServiceTier(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("default"u8) ? "default"
        : reader.ValueTextEquals("flex"u8) ? "flex"
        : reader.ValueTextEquals("priority"u8) ? "priority"
        : reader.ValueTextEquals("scale"u8) ? "scale"
        : reader.ValueTextEquals("auto"u8) ? "auto"
        : reader.GetString()!;

    /// <summary>
    /// Reader on the value of <c>usage</c>; leaves it on that value's end. Both token counts, or null; with them the
    /// details OpenAI reports (<c>prompt_tokens_details.cached_tokens</c>, <c>completion_tokens_details</c>'s
    /// reasoning and prediction counts), 0 when absent.
    /// </summary>
    private static TokenUsage? ReadUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        int? prompt = null;
        int? completion = null;
        int cached = 0, reasoning = 0, accepted = 0, rejected = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isPrompt = reader.ValueTextEquals("prompt_tokens"u8);
            bool isCompletion = !isPrompt && reader.ValueTextEquals("completion_tokens"u8);
            bool isPromptDetails = !isPrompt && !isCompletion && reader.ValueTextEquals("prompt_tokens_details"u8);
            bool isCompletionDetails = !isPrompt && !isCompletion && !isPromptDetails && reader.ValueTextEquals("completion_tokens_details"u8);
            reader.Read();
            if (isPrompt)
            {
                prompt = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int p) ? p : null;
            }
            else if (isCompletion)
            {
                completion = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int c) ? c : null;
            }
            else if (isPromptDetails && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isCached = reader.ValueTextEquals("cached_tokens"u8);
                    reader.Read();
                    if (isCached)
                    {
                        cached = Count(ref reader);
                    }

                    reader.Skip();
                }

                continue;
            }
            else if (isCompletionDetails && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    int which = reader.ValueTextEquals("reasoning_tokens"u8) ? 1
                        : reader.ValueTextEquals("accepted_prediction_tokens"u8) ? 2
                        : reader.ValueTextEquals("rejected_prediction_tokens"u8) ? 3
                        : 0;
                    reader.Read();
                    if (which == 1)
                    {
                        reasoning = Count(ref reader);
                    }
                    else if (which == 2)
                    {
                        accepted = Count(ref reader);
                    }
                    else if (which == 3)
                    {
                        rejected = Count(ref reader);
                    }

                    reader.Skip();
                }

                continue;
            }

            reader.Skip();
        }

        return prompt is { } pt && completion is { } ct
            ? new TokenUsage(pt, ct) { CachedTokens = cached, ReasoningTokens = reasoning, AcceptedPredictionTokens = accepted, RejectedPredictionTokens = rejected }
            : null;
    }

    /// <summary>A detail count: a non-negative integer, else 0 (a detail an upstream garbles must not bill anyone a negative amount).</summary>
    private static int Count(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int n) && n > 0 ? n : 0;
}
