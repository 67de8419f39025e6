using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// Speaks OpenAI's chat-completions protocol to any compatible server (OpenAI, vLLM, Ollama, llama.cpp server):
/// <c>POST {BaseUrl}/chat/completions</c> with <c>stream:true</c> and <c>stream_options.include_usage</c> (always
/// asking for usage), parsing the SSE answer. A plain JSON answer (servers that ignore <c>stream</c>) is accepted too.
/// </summary>
public sealed class OpenAiCompatibleProvider : IModelProvider
{
    private static readonly JsonBytes Json = new(default);

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string? _apiKey;
    private readonly MaxTokensParameter _maxTokensParameter;

    /// <summary>
    /// An adapter for <paramref name="baseUrl"/> (e.g. <c>https://api.openai.com/v1</c>) using <paramref name="http"/>,
    /// sending the token cap as <paramref name="maxTokensParameter"/>.
    /// </summary>
    public OpenAiCompatibleProvider(string id, HttpClient http, Uri baseUrl, string? apiKey, MaxTokensParameter maxTokensParameter = MaxTokensParameter.MaxTokens)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        Id = id;
        _http = http;
        var text = baseUrl.ToString();
        _endpoint = new Uri(text.EndsWith('/') ? text + "chat/completions" : text + "/chat/completions");
        _apiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;
        _maxTokensParameter = maxTokensParameter;
    }

    /// <summary>Everything: the request's members are sent as the client wrote them and <c>logprobs</c> come back unchanged.</summary>
    public const RequestFeatures Serves = RequestFeatures.All;

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public RequestFeatures Capabilities => Serves;

    /// <summary>The upstream request body, with the token cap (when the request has one) in <paramref name="maxTokensParameter"/>.</summary>
    public static byte[] RequestBody(string model, ProviderRequest request, MaxTokensParameter maxTokensParameter = MaxTokensParameter.MaxTokens)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Json.ToBytes((Model: model, Request: request, Cap: maxTokensParameter), static (writer, state) =>
        {
            var (model, request, cap) = state;
            writer.WriteStartObject();
            writer.WriteString("model", model);
            writer.WriteStartArray("messages");
            foreach (var message in request.Messages)
            {
                WriteMessage(writer, message);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("stream", true);
            writer.WriteStartObject("stream_options");
            writer.WriteBoolean("include_usage", true);
            writer.WriteEndObject();
            if (request.MaxTokens is { } maxTokens)
            {
                writer.WriteNumber(MaxTokensParameters.Name(cap), maxTokens);
            }

            if (request.Temperature is { } temperature)
            {
                writer.WriteNumber("temperature", temperature);
            }

            if (request.TopP is { } topP)
            {
                writer.WriteNumber("top_p", topP);
            }

            if (request.Seed is { } seed)
            {
                writer.WriteNumber("seed", seed);
            }

            writer.WriteStrings("stop", request.Stop);
            if (request.User is { } user)
            {
                writer.WriteString("user", user);
            }

            WriteToolOptions(writer, request);
            WriteSamplingOptions(writer, request);
            if (request.ReasoningEffort is { } effort)
            {
                writer.WriteString("reasoning_effort", effort);
            }

            WritePassThrough(writer, request);

            writer.WriteEndObject();
        });
    }

    /// <summary>One message as OpenAI takes it: an assistant's tool calls (with <c>content: null</c> when it said nothing else, as OpenAI sends it), a tool message's <c>tool_call_id</c>.</summary>
    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("role", message.Role);
        if (message.ToolCalls is { Count: > 0 } calls)
        {
            if (message.Content.Length == 0)
            {
                writer.WriteNull("content");
            }
            else
            {
                writer.WriteString("content", message.Content);
            }

            ToolCall.WriteOpenAiArray(writer, calls);
        }
        else if (message.Parts is { } parts)
        {
            WriteParts(writer, parts);
        }
        else
        {
            writer.WriteString("content", message.Content);
        }

        if (message.ToolCallId is { } toolCallId)
        {
            writer.WriteString("tool_call_id", toolCallId);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Content parts in the client's order: text parts written anew (their text may have been redacted), image parts
    /// as the client wrote them (<c>image_url</c> with its <c>url</c> and <c>detail</c>, and anything newer it holds).
    /// </summary>
    private static void WriteParts(Utf8JsonWriter writer, IReadOnlyList<ContentPart> parts)
    {
        writer.WriteStartArray("content");
        foreach (var part in parts)
        {
            if (part.Image is { } image)
            {
                writer.WriteRawValue(image.Json, skipInputValidation: true);
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", part.Text);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>The client's <c>tools</c>, <c>tool_choice</c>, <c>parallel_tool_calls</c> and <c>response_format</c>, as it wrote them.</summary>
    private static void WriteToolOptions(Utf8JsonWriter writer, ProviderRequest request)
    {
        if (request.Tools is { Count: > 0 } tools)
        {
            writer.WriteStartArray("tools");
            foreach (var tool in tools)
            {
                writer.WriteRawValue(tool.Json, skipInputValidation: true);
            }

            writer.WriteEndArray();
        }

        if (request.ToolChoice is { } choice)
        {
            writer.WritePropertyName("tool_choice");
            writer.WriteRawValue(choice.Json, skipInputValidation: true);
        }

        if (request.ParallelToolCalls is { } parallel)
        {
            writer.WriteBoolean("parallel_tool_calls", parallel);
        }

        if (request.ResponseFormat is { } format)
        {
            writer.WritePropertyName("response_format");
            writer.WriteRawValue(format.Json, skipInputValidation: true);
        }
    }

    /// <summary><c>metadata</c>, <c>store</c>, <c>service_tier</c>, <c>prediction</c> and <c>web_search_options</c>: only when the client sent them, objects as it wrote them.</summary>
    private static void WritePassThrough(Utf8JsonWriter writer, ProviderRequest request)
    {
        writer.WriteRaw("metadata", request.Metadata);
        if (request.Store is { } store)
        {
            writer.WriteBoolean("store", store);
        }

        if (request.ServiceTier is { } tier)
        {
            writer.WriteString("service_tier", tier);
        }

        writer.WriteRaw("prediction", request.Prediction);
        writer.WriteRaw("web_search_options", request.WebSearchOptions);
    }

    /// <summary>The penalties, <c>logit_bias</c> (the client's JSON) and the log-probability members, when given.</summary>
    private static void WriteSamplingOptions(Utf8JsonWriter writer, ProviderRequest request)
    {
        if (request.FrequencyPenalty is { } frequency)
        {
            writer.WriteNumber("frequency_penalty", frequency);
        }

        if (request.PresencePenalty is { } presence)
        {
            writer.WriteNumber("presence_penalty", presence);
        }

        if (request.LogitBias is { } bias)
        {
            writer.WritePropertyName("logit_bias");
            writer.WriteRawValue(bias, skipInputValidation: true);
        }

        if (request.Logprobs is { } logprobs)
        {
            writer.WriteBoolean("logprobs", logprobs);
        }

        if (request.TopLogprobs is { } top)
        {
            writer.WriteNumber("top_logprobs", top);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CompletionEvent> StreamAsync(string model, ProviderRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var message = UpstreamHttp.StreamingPost(_endpoint, RequestBody(model, request, _maxTokensParameter));
        if (_apiKey is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        using var answer = await UpstreamHttp.OpenAsync(_http, Id, message, cancellationToken).ConfigureAwait(false);
        if (answer.IsWholeJson)
        {
            foreach (var e in ParseCompletion(await answer.ReadWholeAsync(cancellationToken).ConfigureAwait(false)))
            {
                yield return e;
            }

            yield break;
        }

        using var sse = new Utf8SseReader(answer.Body);
        var events = new List<CompletionEvent>(2);
        string? tier = null;
        while (true)
        {
            var next = await UpstreamHttp.NextChunkAsync(Id, sse, cancellationToken).ConfigureAwait(false);
            if (next is not { } chunk || chunk.Data.Span.SequenceEqual("[DONE]"u8))
            {
                yield break;
            }

            events.Clear();
            OpenAiChunk.Parse(Id, chunk.Event, chunk.Data.Span, events);
            foreach (var e in events)
            {
                // Every chunk repeats the tier: it is passed on when it first comes (or changes), not per chunk.
                if (e.Kind == CompletionEventKind.ServiceTier)
                {
                    if (e.Text == tier)
                    {
                        continue;
                    }

                    tier = e.Text;
                }

                yield return e;
            }
        }
    }

    private static TokenUsage? ReadUsage(JsonElement root)
    {
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
            && usage.TryGetProperty("prompt_tokens", out var prompt) && prompt.ValueKind == JsonValueKind.Number
            && usage.TryGetProperty("completion_tokens", out var completion) && completion.ValueKind == JsonValueKind.Number)
        {
            // Counts that are no 32-bit integers are no usage, as the streamed path reads them (GetInt32 would throw).
            if (!prompt.TryGetInt32(out int promptTokens) || !completion.TryGetInt32(out int completionTokens))
            {
                return null;
            }

            return new TokenUsage(promptTokens, completionTokens)
            {
                CachedTokens = Detail(usage, "prompt_tokens_details", "cached_tokens"),
                ReasoningTokens = Detail(usage, "completion_tokens_details", "reasoning_tokens"),
                AcceptedPredictionTokens = Detail(usage, "completion_tokens_details", "accepted_prediction_tokens"),
                RejectedPredictionTokens = Detail(usage, "completion_tokens_details", "rejected_prediction_tokens"),
            };
        }

        return null;
    }

    /// <summary>One count of a <c>*_tokens_details</c> object: 0 when absent or not a non-negative integer (as the streamed path reads it).</summary>
    private static int Detail(JsonElement usage, string details, string name) =>
        usage.TryGetProperty(details, out var d) && d.ValueKind == JsonValueKind.Object
            && d.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n > 0
            ? n : 0;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private List<CompletionEvent> ParseCompletion(string json)
    {
        var events = new List<CompletionEvent>(3);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ProviderException(ProviderFailureKind.Stream, $"upstream '{Id}' sent a body that is not a JSON object");
            }

            if (String(root, "service_tier") is { } tier)
            {
                events.Add(CompletionEvent.Tier(tier));
            }

            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
            {
                // Members of the wrong type are read as absent, as the streamed path reads them.
                var choice = choices[0].ValueKind == JsonValueKind.Object ? choices[0] : default;
                var message = choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content)
                    && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
                {
                    events.Add(CompletionEvent.Delta(text, choice.TryGetProperty("logprobs", out var logprobs) && logprobs.ValueKind == JsonValueKind.Object ? logprobs.GetRawText() : null));
                }

                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    int index = 0;
                    foreach (var call in calls.EnumerateArray())
                    {
                        if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
                        {
                            events.Add(CompletionEvent.ToolCallPart(new ToolCallDelta(index++, String(call, "id") ?? string.Empty, String(function, "name") ?? string.Empty, String(function, "arguments") ?? string.Empty)));
                        }
                    }
                }

                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("annotations", out var annotations)
                    && annotations.ValueKind == JsonValueKind.Array && annotations.GetArrayLength() > 0)
                {
                    events.Add(CompletionEvent.AnnotationList(annotations.GetRawText()));
                }

                events.Add(CompletionEvent.Finish(choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String ? finish.GetString()! : "stop"));
            }

            if (ReadUsage(root) is { } usage)
            {
                events.Add(CompletionEvent.UsageReport(usage));
            }
        }
        catch (JsonException e)
        {
            throw new ProviderException(ProviderFailureKind.Stream, $"upstream '{Id}' sent a body that is not JSON", inner: e);
        }

        return events;
    }
}
