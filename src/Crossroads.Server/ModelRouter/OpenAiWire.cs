using System.Text.Json;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.Server.ModelRouter;

/// <summary>Writes OpenAI's wire objects (<c>chat.completion</c>, <c>chat.completion.chunk</c>, <c>model</c>) member by member, in OpenAI's order.</summary>
internal static class OpenAiWire
{
    private static readonly JsonBytes Json = new(new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });

    /// <summary>A <c>chat.completion</c>; with <paramref name="toolCalls"/>, <c>message.tool_calls</c> (and <c>content: null</c> when there is no text, as OpenAI answers).</summary>
    /// <remarks><paramref name="logprobs"/>: the choice's <c>logprobs</c> object as JSON text (null is written as <c>null</c>).</remarks>
    /// <remarks><paramref name="serviceTier"/>: the tier the upstream reported; null (an upstream that reports none) answers <c>default</c>, as before.</remarks>
    /// <remarks><paramref name="annotations"/>: the upstream's annotations, each as its JSON text (none: <c>[]</c>).</remarks>
    /// <remarks>
    /// <paramref name="reasoning"/> and <paramref name="thinkingBlocks"/>: a thinking model's text (<c>reasoning_content</c>)
    /// and signed blocks (<c>thinking_blocks</c>), members OpenAI does not have (its SDKs ignore them; LiteLLM's
    /// names), written only when the model thought.
    /// </remarks>
    public static void Completion(Utf8JsonWriter w, string id, long created, string model, string content, string finishReason, TokenUsage usage, IReadOnlyList<ToolCall>? toolCalls = null, string? logprobs = null, string? serviceTier = null, IReadOnlyList<string>? annotations = null, string? reasoning = null, IReadOnlyList<ThinkingBlock>? thinkingBlocks = null)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", created);
        w.WriteString("model", model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (content.Length == 0 && toolCalls is { Count: > 0 })
        {
            w.WriteNull("content");
        }
        else
        {
            w.WriteString("content", content);
        }

        if (reasoning is { Length: > 0 })
        {
            w.WriteString("reasoning_content", reasoning);
        }

        if (thinkingBlocks is { Count: > 0 })
        {
            w.WriteStartArray("thinking_blocks");
            foreach (var block in thinkingBlocks)
            {
                block.WriteForClient(w);
            }

            w.WriteEndArray();
        }

        w.WriteNull("refusal");
        if (toolCalls is { Count: > 0 })
        {
            ToolCall.WriteOpenAiArray(w, toolCalls);
        }

        w.WriteStartArray("annotations");
        foreach (var annotation in annotations ?? [])
        {
            w.WriteRawValue(annotation, skipInputValidation: true);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        Logprobs(w, logprobs);
        w.WriteString("finish_reason", finishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        Usage(w, usage);
        w.WriteString("service_tier", serviceTier ?? "default");
        w.WriteNull("system_fingerprint");
        w.WriteEndObject();
    }

    /// <summary>
    /// A chunk: the role, or <paramref name="content"/> (as <c>content</c>, or <c>reasoning_content</c> for
    /// <see cref="ChunkPart.Reasoning"/>), or a whole thinking <paramref name="block"/>, or a piece of a tool call, or (<see cref="ChunkPart.Annotations"/>)
    /// the annotations array whose JSON text is <paramref name="content"/>, in the delta, or the finish, or (with no choice) usage.
    /// </summary>
    public static void Chunk(Utf8JsonWriter w, string id, long created, string model, ChunkPart part, string? content, string? finishReason, TokenUsage? usage, bool includeUsage, ToolCallDelta? tool = null, string? logprobs = null, string? serviceTier = null, ThinkingBlock? block = null)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", created);
        w.WriteString("model", model);
        w.WriteString("service_tier", serviceTier ?? "default");
        w.WriteNull("system_fingerprint");
        w.WriteStartArray("choices");
        if (part != ChunkPart.Usage)
        {
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            if (part == ChunkPart.Role)
            {
                w.WriteString("role", "assistant");
                w.WriteString("content", string.Empty);
                w.WriteNull("refusal");
            }
            else if (part == ChunkPart.Content)
            {
                w.WriteString("content", content);
            }
            else if (part == ChunkPart.ToolCall && tool is not null)
            {
                ToolCallPiece(w, tool);
            }
            else if (part == ChunkPart.Reasoning)
            {
                w.WriteString("reasoning_content", content);
            }
            else if (part == ChunkPart.ThinkingBlock && block is not null)
            {
                w.WriteStartArray("thinking_blocks");
                block.WriteForClient(w);
                w.WriteEndArray();
            }
            else if (part == ChunkPart.Annotations && content is not null)
            {
                w.WritePropertyName("annotations");
                w.WriteRawValue(content, skipInputValidation: true);
            }

            w.WriteEndObject();
            Logprobs(w, logprobs);
            if (finishReason is null)
            {
                w.WriteNull("finish_reason");
            }
            else
            {
                w.WriteString("finish_reason", finishReason);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (includeUsage)
        {
            if (usage is { } u)
            {
                Usage(w, u);
            }
            else
            {
                w.WriteNull("usage");
            }
        }

        w.WriteEndObject();
    }

    /// <summary>A choice's <c>logprobs</c>: the upstream's object as it came, or <c>null</c>.</summary>
    private static void Logprobs(Utf8JsonWriter w, string? logprobs)
    {
        if (logprobs is null)
        {
            w.WriteNull("logprobs");
        }
        else
        {
            w.WritePropertyName("logprobs");
            w.WriteRawValue(logprobs, skipInputValidation: true);
        }
    }

    public static void Error(Utf8JsonWriter w, OpenAiError error)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", error.Message);
        w.WriteString("type", error.Type);
        w.WriteString("param", error.Param);
        w.WriteString("code", error.Code);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void Model(Utf8JsonWriter w, string id, long created, string ownedBy)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "model");
        w.WriteNumber("created", created);
        w.WriteString("owned_by", ownedBy);
        w.WriteEndObject();
    }

    /// <summary>Serializes with <paramref name="write"/> into a new array (small answers written with Content-Length); the working buffer is the thread's.</summary>
    public static byte[] ToBytes<TState>(TState state, Action<Utf8JsonWriter, TState> write) => Json.ToBytes(state, write);

    /// <summary>Writes a body straight into <paramref name="output"/> (see <see cref="JsonBytes.WriteTo"/>).</summary>
    public static void WriteTo<TState>(System.Buffers.IBufferWriter<byte> output, TState state, Action<Utf8JsonWriter, TState> write) => Json.WriteTo(output, state, write);

    /// <summary>
    /// <c>tool_calls: [{index, id, type, function: {name, arguments}}]</c> for a call's first piece (arguments <c>""</c>
    /// when it brings none, as OpenAI sends it), <c>[{index, function: {arguments}}]</c> for the fragments after it.
    /// </summary>
    private static void ToolCallPiece(Utf8JsonWriter w, ToolCallDelta tool)
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", tool.Index);
        bool first = tool.Id is not null || tool.Name is not null;
        if (tool.Id is not null)
        {
            w.WriteString("id", tool.Id);
        }

        if (first)
        {
            w.WriteString("type", "function");
        }

        w.WriteStartObject("function");
        if (tool.Name is not null)
        {
            w.WriteString("name", tool.Name);
        }

        if (tool.Arguments is not null || first)
        {
            w.WriteString("arguments", tool.Arguments ?? string.Empty);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Usage(Utf8JsonWriter w, TokenUsage usage)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", usage.PromptTokens);
        w.WriteNumber("completion_tokens", usage.CompletionTokens);
        w.WriteNumber("total_tokens", usage.TotalTokens);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", usage.CachedTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", usage.ReasoningTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteNumber("accepted_prediction_tokens", usage.AcceptedPredictionTokens);
        w.WriteNumber("rejected_prediction_tokens", usage.RejectedPredictionTokens);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}

/// <summary>Which chunk.</summary>
internal enum ChunkPart
{
    Role,
    Content,
    ToolCall,
    Annotations,
    Reasoning,
    ThinkingBlock,
    Finish,
    Usage,
}
