using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// Speaks Anthropic's Messages API: <c>POST {BaseUrl}/v1/messages</c> with <c>x-api-key</c> and
/// <c>anthropic-version: 2023-06-01</c>, always <c>stream: true</c>. The chat is mapped to its shape: system (and
/// developer) messages become the top-level <c>system</c> text, consecutive messages of one role are joined (the API
/// wants user and assistant turns to alternate), <c>max_tokens</c> is always sent (the API requires it; the
/// configured default when the client gave none), <c>stop</c> becomes <c>stop_sequences</c>, <c>user</c>
/// <c>metadata.user_id</c>. Tools are mapped (<see cref="AnthropicTools"/>): function definitions to <c>tools</c>
/// with <c>input_schema</c>, <c>tool_choice</c>, assistant tool calls to <c>tool_use</c> blocks, tool messages to
/// <c>tool_result</c> blocks of a user turn, images to <c>image</c> blocks; a JSON <c>response_format</c> is
/// emulated by a forced tool (<see cref="AnthropicJsonMode"/>). Its stream (<c>message_start</c> with the input usage,
/// <c>content_block_start</c> text or <c>tool_use</c>, <c>content_block_delta</c> text and <c>input_json_delta</c>
/// deltas, <c>message_delta</c> with the stop reason and output usage, <c>message_stop</c>, <c>ping</c>,
/// <c>error</c>) becomes <see cref="CompletionEvent"/>s with OpenAI's finish reasons and tool call pieces. Models
/// configured to think get <c>thinking</c> with the budget of the request's <c>reasoning_effort</c>
/// (<see cref="AnthropicThinking"/>); their thinking is relayed as reasoning pieces and, when each block ends, the
/// whole signed (or redacted) block, which the client sends back with the assistant message to continue a tool-use loop. Models
/// configured for prompt caching get <c>cache_control</c> breakpoints on the last tool, on the system text and on the
/// last user turn (the conversation's rolling breakpoint), with the model's TTL.
/// </summary>
public sealed class AnthropicProvider : IModelProvider
{
    /// <summary>The API version sent in <c>anthropic-version</c>.</summary>
    public const string ApiVersion = "2023-06-01";

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string? _apiKey;
    private readonly int _defaultMaxTokens;

    /// <summary>
    /// An adapter for <paramref name="baseUrl"/> (e.g. <c>https://api.anthropic.com</c>; a base ending in <c>/v1</c>
    /// is accepted too) sending <paramref name="defaultMaxTokens"/> when a request names no <c>max_tokens</c>.
    /// </summary>
    public AnthropicProvider(string id, HttpClient http, Uri baseUrl, string? apiKey, int defaultMaxTokens)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultMaxTokens, 1);
        Id = id;
        _http = http;
        var text = baseUrl.ToString().TrimEnd('/');
        _endpoint = new Uri(text.EndsWith("/v1", StringComparison.Ordinal) ? text + "/messages" : text + "/v1/messages");
        _apiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;
        _defaultMaxTokens = defaultMaxTokens;
    }

    /// <summary>
    /// What the Messages API can be given: tools (and <c>parallel_tool_calls</c>, as <c>disable_parallel_tool_use</c>),
    /// <c>stop</c> (<c>stop_sequences</c>) and <c>seed</c>. Seed has no Anthropic parameter and is dropped; it is
    /// served anyway because OpenAI's own seed is best effort (determinism is not guaranteed there either), and
    /// excluding Anthropic for every request that carries one (evaluation harnesses set it routinely) would cost the
    /// client its candidates for a promise no upstream keeps. Not served: JSON modes (no JSON mode to map them to),
    /// penalties, <c>logit_bias</c> and log probabilities (no such parameters or answers), and <c>reasoning_effort</c>
    /// except on models configured to think (<see cref="ThinkingServes"/>: not every Claude model does, and the budget
    /// of each effort is the operator's choice), <c>store: true</c> (no completion store), the <c>service_tier</c>s <c>flex</c>,
    /// <c>scale</c> and <c>priority</c> (its own tiers are <c>auto</c> and <c>standard_only</c>, which OpenAI's
    /// <c>auto</c> and <c>default</c> map to), <c>prediction</c> and <c>web_search_options</c> (no such parameters).
    /// <c>metadata</c> is dropped but served: it tags a stored completion and changes no answer.
    /// </summary>
    public const RequestFeatures Serves = RequestFeatures.Tools | RequestFeatures.ParallelToolCalls | RequestFeatures.Stop | RequestFeatures.Seed | RequestFeatures.JsonObject | RequestFeatures.JsonSchema;

    /// <summary>
    /// What a model configured to think (<c>Models:N:Thinking</c>) serves besides <see cref="Serves"/>:
    /// <c>reasoning_effort</c>, as extended thinking with the effort's budget (<see cref="AnthropicThinking"/>). Not the
    /// combinations thinking refuses (<see cref="RequestFeatures.ReasoningWithSampling"/>,
    /// <see cref="RequestFeatures.ReasoningWithForcedTool"/>, <see cref="RequestFeatures.ReasoningWithToolHistory"/>,
    /// <see cref="RequestFeatures.ReasoningWithPrefill"/>).
    /// </summary>
    public const RequestFeatures ThinkingServes = RequestFeatures.ReasoningEffort;

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public RequestFeatures Capabilities => Serves;

    /// <summary>OpenAI's finish reason for an Anthropic <c>stop_reason</c>; in JSON mode (<see cref="AnthropicJsonMode"/>) the forced call is the answer, so <c>tool_use</c> is <c>stop</c>.</summary>
    public static string FinishReason(string? stopReason, bool jsonMode = false) => stopReason switch
    {
        "tool_use" when jsonMode => "stop",
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop", // end_turn, stop_sequence, pause_turn, and whatever a newer API version adds
    };

    /// <summary>The upstream request body.</summary>
    public byte[] RequestBody(string model, ProviderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var jsonMode = AnthropicJsonMode.Of(request, Id);

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model", model);
            // With thinking, max_tokens covers the thinking and the answer (and must exceed budget_tokens): the
            // client's max_tokens is what it wants for the answer, so the budget comes on top (the planner estimated
            // and reserved that much output).
            int thinking = request.ThinkingBudget;
            writer.WriteNumber("max_tokens", (request.MaxTokens ?? _defaultMaxTokens) + thinking);
            if (thinking > 0)
            {
                writer.WriteStartObject("thinking");
                writer.WriteString("type", "enabled");
                writer.WriteNumber("budget_tokens", thinking);
                writer.WriteEndObject();
            }

            var system = string.Join("\n\n", request.Messages.Where(static m => IsSystem(m.Role)).Select(static m => m.Content));
            if (system.Length > 0 && request.PromptCache)
            {
                // A breakpoint needs a block: the system text as one text block carrying it. Anthropic caches the
                // prefix up to it (tools, then system), and ignores one shorter than the model's minimum.
                writer.WriteStartArray("system");
                writer.WriteStartObject();
                writer.WriteString("type", "text");
                writer.WriteString("text", system);
                WriteCacheControl(writer, request.PromptCacheTtl);
                writer.WriteEndObject();
                writer.WriteEndArray();
            }
            else if (system.Length > 0)
            {
                writer.WriteString("system", system);
            }

            writer.WriteStartArray("messages");
            var turns = AnthropicTurn.Of(request.Messages, thinking > 0);
            for (int i = 0; i < turns.Count; i++)
            {
                // The rolling breakpoint: on the last user turn (the newest message, or tool results), so the next turn
                // of the conversation reads everything before it from the cache; not on an assistant prefill.
                bool rolling = request.PromptCache && i == turns.Count - 1 && turns[i].Role == "user";
                turns[i].Write(writer, rolling ? request.PromptCacheTtl ?? PromptCacheTtl.Default : null);
            }

            writer.WriteEndArray();
            if (jsonMode is not null)
            {
                jsonMode.Write(writer);
            }
            else
            {
                AnthropicTools.Write(writer, request);
            }

            writer.WriteBoolean("stream", true);
            // Thinking refuses any temperature but its own (1): only an absent one or 1 gets here
            // (RequestFeatures.ReasoningWithSampling), and 1 is the default, so none is sent.
            if (request.Temperature is { } temperature && thinking == 0)
            {
                // Anthropic's range is 0..1, OpenAI's 0..2: the same value means about the same below 1 (what clients
                // send), and above it Anthropic would refuse the request, so it is capped rather than passed through.
                writer.WriteNumber("temperature", Math.Clamp(temperature, 0, 1));
            }

            if (request.TopP is { } topP)
            {
                writer.WriteNumber("top_p", topP);
            }

            writer.WriteStrings("stop_sequences", request.Stop);
            // Anthropic's tiers: auto (priority capacity when the workspace has it) or standard_only. OpenAI's
            // default is its standard processing; flex, scale and priority never get here (RequestFeatures.ServiceTier).
            if (request.ServiceTier is "auto" or "default")
            {
                writer.WriteString("service_tier", request.ServiceTier == "auto" ? "auto" : "standard_only");
            }

            // The client's metadata is not mapped: Anthropic's only member is user_id, which is the user's (above
            // OpenAI's user), and the pairs tag a completion OpenAI stores, which Anthropic does not.
            if (request.User is { } user)
            {
                writer.WriteStartObject("metadata");
                writer.WriteString("user_id", user);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CompletionEvent> StreamAsync(string model, ProviderRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? jsonTool = AnthropicJsonMode.Of(request, Id)?.ToolName;
        using var message = UpstreamHttp.StreamingPost(_endpoint, RequestBody(model, request));
        message.Headers.Add("anthropic-version", ApiVersion);
        if (_apiKey is not null)
        {
            message.Headers.Add("x-api-key", _apiKey);
        }

        using var answer = await UpstreamHttp.OpenAsync(_http, Id, message, cancellationToken).ConfigureAwait(false);
        if (answer.IsWholeJson)
        {
            foreach (var e in ParseMessage(await answer.ReadWholeAsync(cancellationToken).ConfigureAwait(false), jsonTool))
            {
                yield return e;
            }

            yield break;
        }

        var sse = new SseReader(answer.Reader);
        var state = new StreamState { JsonTool = jsonTool };
        var events = new List<CompletionEvent>(2);
        while (!state.Stopped)
        {
            var next = await UpstreamHttp.NextEventAsync(Id, sse, cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                // The connection closed without message_stop: the answer is cut short.
                throw new ProviderException(ProviderFailureKind.Connection, $"upstream '{Id}' ended its stream before message_stop");
            }

            events.Clear();
            ParseEvent(next, state, events);
            foreach (var e in events)
            {
                yield return e;
            }
        }
    }

    /// <summary>Events of one server-sent event of the Messages stream (an <c>error</c> event is thrown).</summary>
    internal void ParseEvent(SseEvent sse, StreamState state, List<CompletionEvent> events)
    {
        using var document = Parse(sse.Data, "an event");
        var root = document.RootElement;
        string? type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : sse.Event;
        switch (type)
        {
            case "message_start":
                if (root.TryGetProperty("message", out var started) && started.ValueKind == JsonValueKind.Object && started.TryGetProperty("usage", out var startUsage))
                {
                    state.InputTokens = Count(startUsage, "input_tokens");
                    state.OutputTokens = Int(startUsage, "output_tokens") ?? 0;
                    state.Cache = Cache(startUsage, default);

                    // The tier is known before any content, which is when the router commits the answer with it.
                    if (Text(startUsage, "service_tier") is { } tier)
                    {
                        events.Add(CompletionEvent.Tier(ServiceTier(tier)));
                    }
                }

                break;
            case "content_block_start":
                if (root.TryGetProperty("content_block", out var block) && Text(block, "type") == "tool_use" && state.JsonTool is not null)
                {
                    // The emulated JSON answer: its input streams as the content, so the call itself is not shown.
                    state.ToolBlock = (Int(root, "index") ?? -1, -1, false);
                }
                else if (Text(block, "type") is "thinking" or "redacted_thinking")
                {
                    // The block is relayed whole at its content_block_stop, with the signature that comes last;
                    // its text streams on as reasoning meanwhile.
                    bool redacted = Text(block, "type") == "redacted_thinking";
                    string initial = Text(block, redacted ? "data" : "thinking") ?? string.Empty;
                    state.Thinking = new ThinkingInProgress(Int(root, "index") ?? -1, redacted, Text(block, "signature") ?? string.Empty);
                    state.Thinking.Text.Append(initial);
                    if (!redacted && initial.Length > 0)
                    {
                        events.Add(CompletionEvent.ReasoningPart(initial));
                    }
                }
                else if (Text(block, "type") == "tool_use")
                {
                    // A call's first piece: OpenAI's index counts tool calls only, Anthropic's every block.
                    int call = state.ToolCalls++;
                    state.ToolBlock = (Int(root, "index") ?? -1, call, false);
                    events.Add(CompletionEvent.ToolCallPart(new ToolCallDelta(call, Text(block, "id") ?? string.Empty, Text(block, "name") ?? string.Empty, string.Empty)));
                }
                else if (state.JsonTool is null && root.TryGetProperty("content_block", out block) && Text(block, "text") is { Length: > 0 } initial)
                {
                    events.Add(CompletionEvent.Delta(initial));
                }

                break;
            case "content_block_delta":
                if (root.TryGetProperty("delta", out var delta) && Text(delta, "type") == "text_delta" && Text(delta, "text") is { Length: > 0 } text)
                {
                    // In JSON mode only the forced call's input is the answer: text around it would make it unparsable.
                    if (state.JsonTool is null)
                    {
                        events.Add(CompletionEvent.Delta(text));
                    }
                }
                else if (Text(delta, "type") == "thinking_delta" && Text(delta, "thinking") is { Length: > 0 } thought
                    && state.Thinking is { } thinking && thinking.Block == (Int(root, "index") ?? -1))
                {
                    thinking.Text.Append(thought);
                    events.Add(CompletionEvent.ReasoningPart(thought));
                }
                else if (Text(delta, "type") == "signature_delta" && Text(delta, "signature") is { } signature
                    && state.Thinking is { } signed && signed.Block == (Int(root, "index") ?? -1))
                {
                    signed.Signature += signature;
                }
                else if (Text(delta, "type") == "input_json_delta" && Text(delta, "partial_json") is { Length: > 0 } json
                    && state.ToolBlock is { } open && open.Block == (Int(root, "index") ?? -1))
                {
                    state.ToolBlock = open with { HasArguments = true };
                    events.Add(state.JsonTool is null ? CompletionEvent.ToolCallPart(new ToolCallDelta(open.Call, null, null, json)) : CompletionEvent.Delta(json));
                }

                break;
            case "content_block_stop":
                if (state.Thinking is { } ended && ended.Block == (Int(root, "index") ?? -1))
                {
                    events.Add(CompletionEvent.ThinkingBlockEnd(ended.ToBlock()));
                    state.Thinking = null;
                }
                else if (state.ToolBlock is { } closed && closed.Block == (Int(root, "index") ?? -1))
                {
                    // A call without input streams no fragment; OpenAI's clients parse the arguments, so they get "{}".
                    if (!closed.HasArguments)
                    {
                        events.Add(state.JsonTool is null ? CompletionEvent.ToolCallPart(new ToolCallDelta(closed.Call, null, null, "{}")) : CompletionEvent.Delta("{}"));
                    }

                    state.ToolBlock = null;
                }

                break;
            case "message_delta":
                if (root.TryGetProperty("delta", out var messageDelta) && Text(messageDelta, "stop_reason") is { } stopReason)
                {
                    state.StopReason = stopReason;
                }

                if (root.TryGetProperty("usage", out var usage))
                {
                    // Anthropic's counts here are cumulative, so the last one is the total.
                    // A count it leaves out keeps the start's: the prompt is summed from them at message_stop, so a
                    // delta repeating input_tokens alone does not drop the cache reads and writes from it.
                    state.OutputTokens = Int(usage, "output_tokens") ?? state.OutputTokens;
                    state.InputTokens = Count(usage, "input_tokens") ?? state.InputTokens;
                    state.Cache = Cache(usage, state.Cache);
                }

                break;
            case "message_stop":
                state.Stopped = true;
                events.Add(CompletionEvent.Finish(FinishReason(state.StopReason, state.JsonTool is not null)));
                if (state.InputTokens is { } input)
                {
                    events.Add(CompletionEvent.UsageReport(new TokenUsage(PromptTokens(input, state.Cache), state.OutputTokens) { CachedTokens = state.Cache.Read, CacheWriteTokens = state.Cache.Write }));
                }

                break;
            case "error":
                throw StreamError(root, sse.Data);
            default:
                // ping, and event types a newer API version adds: nothing to pass on.
                break;
        }
    }

    /// <summary>
    /// A prompt-cache breakpoint: Anthropic caches the request's prefix up to the block carrying it, for 5 minutes (the
    /// default, no <c>ttl</c> written) or for <paramref name="ttl"/> <c>1h</c>.
    /// </summary>
    internal static void WriteCacheControl(Utf8JsonWriter writer, string? ttl)
    {
        writer.WriteStartObject("cache_control");
        writer.WriteString("type", "ephemeral");
        if (ttl is not null and not PromptCacheTtl.Default)
        {
            writer.WriteString("ttl", ttl);
        }

        writer.WriteEndObject();
    }

    /// <summary>Whether the message goes to the top-level <c>system</c> text.</summary>
    internal static bool IsSystem(string role) => role is "system" or "developer";

    /// <summary>
    /// Anthropic's <c>usage.service_tier</c> as OpenAI names the tier of an answer: <c>priority</c> is OpenAI's too,
    /// <c>standard</c> (and <c>batch</c>, or any tier a newer API adds) is what OpenAI calls <c>default</c>.
    /// </summary>
    internal static string ServiceTier(string anthropicTier) => anthropicTier == "priority" ? "priority" : "default";

    /// <summary>The cache reads and writes of <paramref name="usage"/>; a count it leaves out keeps its value in <paramref name="before"/> (<c>message_delta</c> may repeat only some).</summary>
    private static (int Read, int Write) Cache(JsonElement usage, (int Read, int Write) before) =>
        (Count(usage, "cache_read_input_tokens") ?? before.Read, Count(usage, "cache_creation_input_tokens") ?? before.Write);

    /// <summary>
    /// Prompt tokens as OpenAI counts them: Anthropic reports cache reads and writes apart from <c>input_tokens</c>,
    /// OpenAI's <c>prompt_tokens</c> includes its cached tokens (the usage carries the cached parts on their own).
    /// </summary>
    private static int PromptTokens(int input, (int Read, int Write) cache) =>
        (int)Math.Min(int.MaxValue, (long)input + cache.Read + cache.Write);

    /// <summary>A token count of <paramref name="usage"/>: below 0 is read as 0 (as OpenAI's detail counts are), so a garbled one bills nothing negative.</summary>
    private static int? Count(JsonElement usage, string name) => Int(usage, name) is { } n ? Math.Max(0, n) : null;

    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// An in-stream <c>error</c> event. <c>overloaded_error</c> carries 529 (and <c>rate_limit_error</c> 429,
    /// <c>api_error</c> 500), the statuses Anthropic gives them outside a stream, so the breaker treats them alike.
    /// </summary>
    private ProviderException StreamError(JsonElement root, string data)
    {
        string? errorType = root.TryGetProperty("error", out var error) ? Text(error, "type") : null;
        int? status = errorType switch
        {
            "overloaded_error" => 529,
            "rate_limit_error" => 429,
            "api_error" => 500,
            _ => null,
        };
        return new ProviderException(ProviderFailureKind.Stream, $"upstream '{Id}' sent an error in its stream ({errorType ?? "unknown"})", status, UpstreamHttp.Truncate(data));
    }

    private List<CompletionEvent> ParseMessage(string json, string? jsonTool)
    {
        using var document = Parse(json, "a body");
        var root = document.RootElement;
        if (Text(root, "type") == "error")
        {
            throw StreamError(root, json);
        }

        var events = new List<CompletionEvent>(3);
        if (root.TryGetProperty("usage", out var tierUsage) && Text(tierUsage, "service_tier") is { } tier)
        {
            events.Add(CompletionEvent.Tier(ServiceTier(tier)));
        }

        if (root.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
        {
            var text = new StringBuilder();
            var calls = new List<CompletionEvent>();
            foreach (var block in content.EnumerateArray())
            {
                switch (Text(block, "type"))
                {
                    case "thinking":
                        string thought = Text(block, "thinking") ?? string.Empty;
                        if (thought.Length > 0)
                        {
                            events.Add(CompletionEvent.ReasoningPart(thought));
                        }

                        events.Add(CompletionEvent.ThinkingBlockEnd(ThinkingBlock.Thinking(thought, Text(block, "signature") ?? string.Empty)));
                        break;
                    case "redacted_thinking":
                        events.Add(CompletionEvent.ThinkingBlockEnd(ThinkingBlock.Redacted(Text(block, "data") ?? string.Empty)));
                        break;
                    case "text" when jsonTool is null:
                        text.Append(Text(block, "text"));
                        break;
                    case "tool_use" when jsonTool is not null:
                        text.Append(block.TryGetProperty("input", out var answer) && answer.ValueKind == JsonValueKind.Object ? answer.GetRawText() : "{}");
                        break;
                    case "tool_use":
                        string arguments = block.TryGetProperty("input", out var callInput) && callInput.ValueKind == JsonValueKind.Object ? callInput.GetRawText() : "{}";
                        calls.Add(CompletionEvent.ToolCallPart(new ToolCallDelta(calls.Count, Text(block, "id") ?? string.Empty, Text(block, "name") ?? string.Empty, arguments)));
                        break;
                }
            }

            if (text.Length > 0)
            {
                events.Add(CompletionEvent.Delta(text.ToString()));
            }

            events.AddRange(calls);
        }

        events.Add(CompletionEvent.Finish(FinishReason(Text(root, "stop_reason"), jsonTool is not null)));
        if (root.TryGetProperty("usage", out var usage) && Count(usage, "input_tokens") is { } input)
        {
            var cache = Cache(usage, default);
            events.Add(CompletionEvent.UsageReport(new TokenUsage(PromptTokens(input, cache), Int(usage, "output_tokens") ?? 0) { CachedTokens = cache.Read, CacheWriteTokens = cache.Write }));
        }

        return events;
    }

    private JsonDocument Parse(string json, string what)
    {
        try
        {
            var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException e)
        {
            throw new ProviderException(ProviderFailureKind.Stream, $"upstream '{Id}' sent {what} that is not JSON", inner: e);
        }

        throw new ProviderException(ProviderFailureKind.Stream, $"upstream '{Id}' sent {what} that is not a JSON object");
    }

    /// <summary>What the stream said so far: usage (from <c>message_start</c>, updated by <c>message_delta</c>) and the stop reason.</summary>
    internal sealed class StreamState
    {
        /// <summary>Anthropic's <c>input_tokens</c>: the prompt tokens neither read from nor written to the cache (<see cref="Cache"/> holds those).</summary>
        public int? InputTokens { get; set; }

        public int OutputTokens { get; set; }

        /// <summary>Prompt tokens read from and written to Anthropic's prompt cache (counted apart from <see cref="InputTokens"/>).</summary>
        public (int Read, int Write) Cache { get; set; }

        public string? StopReason { get; set; }

        public bool Stopped { get; set; }

        /// <summary>Tool calls started so far (the next call's OpenAI index).</summary>
        public int ToolCalls { get; set; }

        /// <summary>The name of the tool emulating a JSON <c>response_format</c> (<see cref="AnthropicJsonMode"/>), whose input is the answer's content; null otherwise.</summary>
        public string? JsonTool { get; init; }

        /// <summary>The open <c>thinking</c> or <c>redacted_thinking</c> block, gathered until its <c>content_block_stop</c>.</summary>
        public ThinkingInProgress? Thinking { get; set; }

        /// <summary>The open <c>tool_use</c> block: its Anthropic index, its OpenAI index (-1 for the JSON answer), whether it streamed arguments.</summary>
        public (int Block, int Call, bool HasArguments)? ToolBlock { get; set; }
    }

    /// <summary>A thinking block being streamed: its Anthropic index, its text (a redacted block's data) and signature so far.</summary>
    internal sealed class ThinkingInProgress(int block, bool redacted, string signature)
    {
        public int Block { get; } = block;

        public StringBuilder Text { get; } = new();

        public string Signature { get; set; } = signature;

        public ThinkingBlock ToBlock() => redacted ? ThinkingBlock.Redacted(Text.ToString()) : ThinkingBlock.Thinking(Text.ToString(), Signature);
    }
}
