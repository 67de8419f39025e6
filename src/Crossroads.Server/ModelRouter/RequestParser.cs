using System.Text.Json;
using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Reads request bodies leniently where OpenAI is lenient (unknown members are ignored: SDKs send many) and strictly
/// where a wrong value would change what is routed or billed (types, ranges, <c>n</c> ≠ 1), and refuses members whose
/// answer the router cannot give back (<c>n</c> &gt; 1, audio, files, the deprecated
/// <c>functions</c>) rather than drop them silently. Every refusal names the parameter, as OpenAI's <c>error.param</c> does.
/// </summary>
internal static partial class RequestParser
{
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// The larger limit of the bodies that carry messages (chat completions, ask, plan): inline images are base64 in
    /// the JSON, up to <see cref="ImageUrlParser.MaxBase64Chars"/> each, so 1 MiB would refuse one ordinary photo. 16
    /// MiB holds three of the largest, and bounds what one request can make the server parse and hold.
    /// </summary>
    public const int MaxMessagesBodyBytes = 16 * 1024 * 1024;

    /// <summary>The values of <c>reasoning_effort</c> OpenAI documents, from least to most effort.</summary>
    public static readonly string[] ReasoningEfforts = ["none", "minimal", "low", "medium", "high", "xhigh"];

    public static async Task<(JsonDocument? Document, RequestError? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken, int maxBytes = MaxBodyBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, new RequestError($"The request body is larger than {maxBytes} bytes.", null, "request_too_large", StatusCodes.Status413PayloadTooLarge));
        }

        if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, new RequestError($"The request body must be JSON (Content-Type: application/json), got '{type}'.", null, "unsupported_media_type", StatusCodes.Status415UnsupportedMediaType));
        }

        try
        {
            var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 64 }, cancellationToken).ConfigureAwait(false);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                return (null, new RequestError("The request body must be a JSON object.", null, "invalid_json"));
            }

            if (JsonText.FindInvalidString(document.RootElement) is { } invalid)
            {
                document.Dispose();
                return (null, new RequestError($"The request body is not valid JSON: {JsonText.Describe(invalid)}.", null, "invalid_json"));
            }

            return (document, null);
        }
        catch (JsonException e)
        {
            return (null, new RequestError($"The request body is not valid JSON: {e.Message}", null, "invalid_json"));
        }
    }

    /// <summary>An OpenAI chat-completions body.</summary>
    public static (ParsedRequest? Request, RequestError? Error) Chat(JsonElement root)
    {
        try
        {
            var model = RequiredString(root, "model");
            if (!root.TryGetProperty("messages", out var messagesElement) || messagesElement.ValueKind != JsonValueKind.Array)
            {
                throw new RequestException("'messages' is required and must be an array.", "messages");
            }

            var messages = new List<ChatMessage>(messagesElement.GetArrayLength());
            int index = 0;
            foreach (var m in messagesElement.EnumerateArray())
            {
                messages.Add(Message(m, index++));
            }

            if (messages.Count == 0)
            {
                throw new RequestException("'messages' must contain at least one message.", "messages");
            }

            if (OptionalInt(root, "n", 1, 128) is { } n && n != 1)
            {
                throw new RequestException("Only n=1 is supported.", "n");
            }

            RefuseUnsupported(root);
            var tools = Tools(root);
            var (logprobs, topLogprobs) = Logprobs(root);

            bool includeUsage = false;
            if (root.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind == JsonValueKind.Object)
            {
                includeUsage = OptionalBool(streamOptions, "include_usage", "stream_options.include_usage") ?? false;
            }

            var request = new ParsedRequest
            {
                Model = model,
                Messages = messages,
                Stream = OptionalBool(root, "stream", "stream") ?? false,
                IncludeUsage = includeUsage,
                MaxTokens = OptionalInt(root, "max_completion_tokens", 1, 100_000_000) ?? OptionalInt(root, "max_tokens", 1, 100_000_000),
                Temperature = OptionalDouble(root, "temperature", 0, 2),
                TopP = OptionalDouble(root, "top_p", 0, 1),
                Stop = Stop(root),
                Seed = Seed(root),
                User = OptionalString(root, "user"),
                Fallbacks = StringList(root, "models"),
                Tools = tools,
                ToolChoice = ToolChoice(root, tools),
                ParallelToolCalls = OptionalBool(root, "parallel_tool_calls", "parallel_tool_calls"),
                ResponseFormat = ResponseFormat(root),
                FrequencyPenalty = OptionalDouble(root, "frequency_penalty", -2, 2),
                PresencePenalty = OptionalDouble(root, "presence_penalty", -2, 2),
                LogitBias = LogitBias(root),
                Logprobs = logprobs,
                TopLogprobs = topLogprobs,
                ReasoningEffort = ReasoningEffort(root),
                Metadata = Metadata(root),
                Store = OptionalBool(root, "store", "store"),
                ServiceTier = ServiceTier(root),
                Prediction = Prediction(root),
                WebSearchOptions = WebSearchOptions(root),
            };
            if (root.TryGetProperty("crossroads", out var extension) && extension.ValueKind != JsonValueKind.Null)
            {
                if (extension.ValueKind != JsonValueKind.Object)
                {
                    throw new RequestException("'crossroads' must be an object.", "crossroads");
                }

                request = WithRouting(request, extension, "crossroads.");
            }

            return (request, null);
        }
        catch (RequestException e)
        {
            return (null, e.Error);
        }
    }

    /// <summary>An ATP ask (or plan) body: <c>prompt</c> (or OpenAI <c>messages</c>) and ATP's routing fields at the top level.</summary>
    public static (ParsedRequest? Request, RequestError? Error) Ask(JsonElement root)
    {
        try
        {
            List<ChatMessage> messages;
            if (root.TryGetProperty("messages", out var messagesElement) && messagesElement.ValueKind == JsonValueKind.Array)
            {
                messages = [];
                int index = 0;
                foreach (var m in messagesElement.EnumerateArray())
                {
                    messages.Add(Message(m, index++));
                }
            }
            else
            {
                var prompt = RequiredString(root, "prompt");
                messages = [new ChatMessage("user", prompt)];
            }

            if (messages.Count == 0 || messages.TrueForAll(static m => m.Content.Length == 0))
            {
                throw new RequestException("'prompt' must not be empty.", "prompt");
            }

            var request = new ParsedRequest
            {
                Model = OptionalString(root, "model"),
                Messages = messages,
                MaxTokens = OptionalInt(root, "max_tokens", 1, 100_000_000),
                Temperature = OptionalDouble(root, "temperature", 0, 2),
                Fallbacks = StringList(root, "models"),
                Tenant = OptionalString(root, "tenant"),
            };
            return (WithRouting(request, root, string.Empty), null);
        }
        catch (RequestException e)
        {
            return (null, e.Error);
        }
    }

    private static ParsedRequest WithRouting(ParsedRequest request, JsonElement element, string prefix)
    {
        QualityTier? quality = null;
        if (OptionalString(element, "quality", prefix + "quality") is { } q)
        {
            quality = q.ToUpperInvariant() switch
            {
                "FAST" or "LOW" => QualityTier.Fast,
                "BALANCED" or "MEDIUM" => QualityTier.Balanced,
                "HIGH" => QualityTier.High,
                _ => throw new RequestException($"'{prefix}quality' must be fast, balanced or high, got '{q}'.", prefix + "quality"),
            };
        }

        RoutingPolicy? policy = null;
        if (OptionalString(element, "policy", prefix + "policy") is { } p)
        {
            policy = RoutingPolicyNames.TryParse(p, out var parsed)
                ? parsed
                : throw new RequestException($"'{prefix}policy' must be one of {string.Join(", ", RoutingPolicyNames.All)}, got '{p}'.", prefix + "policy");
        }

        var maxCost = OptionalDouble(element, "max_cost_usd", 0, 1_000_000, prefix + "max_cost_usd");
        return request with
        {
            Quality = quality,
            Policy = policy,
            MaxCostUsd = maxCost is { } m ? (decimal)m : null,
            LatencySloMs = OptionalDouble(element, "latency_slo_ms", 1, 3_600_000, prefix + "latency_slo_ms"),
            Tenant = OptionalString(element, "tenant", prefix + "tenant") ?? request.Tenant,
        };
    }

    private static ChatMessage Message(JsonElement m, int index)
    {
        var message = MessageWithoutThinking(m, index);
        // Only an assistant message was an answer with thinking; on another role the member is ignored, as unknown ones are.
        return message.Role == "assistant" && MessageThinkingBlocks(m, $"messages[{index}]") is { } blocks ? message with { ThinkingBlocks = blocks } : message;
    }

    private static ChatMessage MessageWithoutThinking(JsonElement m, int index)
    {
        string at = $"messages[{index}]";
        if (m.ValueKind != JsonValueKind.Object)
        {
            throw new RequestException($"'{at}' must be an object.", at);
        }

        var role = OptionalString(m, "role", at + ".role") ?? throw new RequestException($"'{at}.role' is required.", at + ".role");
        if (role is not ("system" or "developer" or "user" or "assistant" or "tool"))
        {
            throw new RequestException($"'{at}.role' must be system, developer, user, assistant or tool, got '{role}'.", at + ".role");
        }

        if (m.TryGetProperty("function_call", out var legacy) && legacy.ValueKind != JsonValueKind.Null)
        {
            throw new RequestException($"'{at}.function_call' (deprecated functions) is not supported; send 'tool_calls'.", at + ".function_call");
        }

        var toolCalls = role == "assistant" ? MessageToolCalls(m, at) : null;
        var toolCallId = role == "tool"
            ? OptionalString(m, "tool_call_id", at + ".tool_call_id") ?? throw new RequestException($"'{at}.tool_call_id' is required for tool messages.", at + ".tool_call_id")
            : null;
        if (!m.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return new ChatMessage(role, string.Empty, toolCalls, toolCallId);
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return new ChatMessage(role, content.GetString()!, toolCalls, toolCallId);
        }

        if (content.ValueKind == JsonValueKind.Array)
        {
            var parts = new List<ContentPart>(content.GetArrayLength());
            bool images = false;
            int partIndex = 0;
            foreach (var part in content.EnumerateArray())
            {
                string partAt = FormattableString.Invariant($"{at}.content[{partIndex++}]");
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueEquals("text"))
                {
                    // A text part without its text is a malformed part, not an unsupported kind of part.
                    if (!part.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String)
                    {
                        throw new RequestException($"'{partAt}.text' is required and must be a string.", partAt + ".text");
                    }

                    parts.Add(ContentPart.OfText(t.GetString()!));
                }
                else if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out type) && type.ValueEquals("image_url"))
                {
                    // OpenAI takes images in user messages only; elsewhere no upstream kind would read them.
                    if (role != "user")
                    {
                        throw new RequestException($"'{partAt}': image parts are accepted in user messages only.", partAt);
                    }

                    var (image, error) = ImageUrlParser.Parse(part, partAt);
                    parts.Add(ContentPart.OfImage(image ?? throw new RequestException(error!)));
                    images = true;
                }
                else
                {
                    string kind = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var partType) && partType.ValueKind == JsonValueKind.String ? partType.GetString()! : "non-text";
                    throw new RequestException($"'{at}.content' parts other than text and image_url are not supported yet (got a '{kind}' part).", at + ".content");
                }
            }

            // Text-only parts are joined into the text, as before images were accepted; Parts is kept for images.
            return new ChatMessage(role, ContentPart.JoinedText(parts), toolCalls, toolCallId, images ? parts : null);
        }

        throw new RequestException($"'{at}.content' must be a string or an array of text and image_url parts.", at + ".content");
    }

    /// <summary>
    /// <c>logprobs</c> and <c>top_logprobs</c> (0..20), as OpenAI takes them: <c>top_logprobs</c> above 0 needs
    /// <c>logprobs: true</c> (OpenAI refuses it otherwise, so the router does before any upstream is called);
    /// <c>top_logprobs: 0</c> without it asks for nothing and is not sent.
    /// </summary>
    private static (bool? Logprobs, int? TopLogprobs) Logprobs(JsonElement root)
    {
        var logprobs = OptionalBool(root, "logprobs", "logprobs");
        var top = OptionalInt(root, "top_logprobs", 0, 20);
        if (top is > 0 && logprobs != true)
        {
            throw new RequestException("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
        }

        return (logprobs, logprobs == true ? top : null);
    }

    /// <summary>
    /// OpenAI's <c>reasoning_effort</c>: one of <see cref="ReasoningEfforts"/>, exactly as OpenAI spells them. Any other
    /// value is refused here, before routing: passed on, it would be refused by one upstream and perhaps not another,
    /// so the answer would depend on the route.
    /// </summary>
    private static string? ReasoningEffort(JsonElement root)
    {
        if (!root.TryGetProperty("reasoning_effort", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && Array.IndexOf(ReasoningEfforts, value.GetString()) is >= 0 and var index)
        {
            return ReasoningEfforts[index];
        }

        string got = value.ValueKind switch
        {
            JsonValueKind.String => $"'{value.GetString()}'",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Array => "an array",
            _ => "an object",
        };
        throw new RequestException($"'reasoning_effort' must be {string.Join(", ", ReasoningEfforts[..^1])} or {ReasoningEfforts[^1]}, got {got}.", "reasoning_effort");
    }

    /// <summary>
    /// OpenAI's <c>logit_bias</c>: an object mapping token ids (decimal integers, as strings) to a bias in −100..100,
    /// kept as the client wrote it. An empty object asks for nothing and is not sent.
    /// </summary>
    private static string? LogitBias(JsonElement root)
    {
        if (!root.TryGetProperty("logit_bias", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new RequestException("'logit_bias' must be an object mapping token ids to a bias between -100 and 100.", "logit_bias");
        }

        bool any = false;
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Name.Length == 0 || entry.Name.Length > 10 || !entry.Name.All(char.IsAsciiDigit))
            {
                throw new RequestException($"'logit_bias' keys must be token ids (non-negative integers), got '{entry.Name}'.", "logit_bias");
            }

            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetDouble(out var bias) || bias < -100 || bias > 100)
            {
                throw new RequestException($"'logit_bias' values must be numbers between -100 and 100 (token '{entry.Name}').", "logit_bias");
            }

            any = true;
        }

        return any ? value.GetRawText() : null;
    }

    /// <summary>
    /// Members whose effect the router could not give back to the client: refused with their name rather than
    /// dropped.
    /// </summary>
    private static void RefuseUnsupported(JsonElement root)
    {
        foreach (var (name, why) in (ReadOnlySpan<(string, string)>)[
            ("functions", "the deprecated 'functions' are not supported; send 'tools'"),
            ("function_call", "the deprecated 'function_call' is not supported; send 'tool_choice'"),
            ("audio", "audio output is not supported"),
        ])
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                throw new RequestException($"'{name}': {why}.", name);
            }
        }

        if (root.TryGetProperty("modalities", out var modalities) && modalities.ValueKind == JsonValueKind.Array
            && modalities.EnumerateArray().Any(static m => !m.ValueEquals("text")))
        {
            throw new RequestException("'modalities': only text output is supported.", "modalities");
        }
    }

    /// <summary>OpenAI's <c>tools</c>: function tools only (<c>{type:"function", function:{name, description?, parameters?, strict?}}</c>), each kept as the client wrote it.</summary>
    private static List<ToolDefinition>? Tools(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new RequestException("'tools' must be an array.", "tools");
        }

        var tools = new List<ToolDefinition>(value.GetArrayLength());
        int index = 0;
        foreach (var tool in value.EnumerateArray())
        {
            string at = $"tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object)
            {
                throw new RequestException($"'{at}' must be an object.", at);
            }

            var type = OptionalString(tool, "type", at + ".type");
            if (type != "function")
            {
                throw new RequestException($"'{at}.type' must be 'function' (other tool types are not supported), got '{type}'.", at + ".type");
            }

            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                throw new RequestException($"'{at}.function' is required and must be an object.", at + ".function");
            }

            var name = OptionalString(function, "name", at + ".function.name");
            if (string.IsNullOrEmpty(name))
            {
                throw new RequestException($"'{at}.function.name' is required.", at + ".function.name");
            }

            string? parameters = null;
            if (function.TryGetProperty("parameters", out var schema) && schema.ValueKind != JsonValueKind.Null)
            {
                parameters = schema.ValueKind == JsonValueKind.Object
                    ? schema.GetRawText()
                    : throw new RequestException($"'{at}.function.parameters' must be a JSON Schema object.", at + ".function.parameters");
            }

            tools.Add(new ToolDefinition(name, OptionalString(function, "description", at + ".function.description"), parameters, tool.GetRawText()));
        }

        return tools;
    }

    /// <summary>OpenAI's <c>tool_choice</c>: <c>none</c>, <c>auto</c>, <c>required</c>, or a named function among <paramref name="tools"/>.</summary>
    private static ToolChoice? ToolChoice(JsonElement root, List<ToolDefinition>? tools)
    {
        if (!root.TryGetProperty("tool_choice", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            var mode = value.GetString() switch
            {
                "auto" => ToolChoiceMode.Auto,
                "none" => ToolChoiceMode.None,
                "required" => ToolChoiceMode.Required,
                var other => throw new RequestException($"'tool_choice' must be none, auto, required or a function object, got '{other}'.", "tool_choice"),
            };
            if (mode == ToolChoiceMode.Required && tools is not { Count: > 0 })
            {
                throw new RequestException("'tool_choice' is 'required' but no 'tools' are given.", "tool_choice");
            }

            return new ToolChoice(mode, null, value.GetRawText());
        }

        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var type) && type.ValueEquals("function")
            && value.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
            && OptionalString(function, "name", "tool_choice.function.name") is { Length: > 0 } name)
        {
            if (tools?.Exists(t => t.Name == name) != true)
            {
                throw new RequestException($"'tool_choice' names the function '{name}', which is not in 'tools'.", "tool_choice");
            }

            return new ToolChoice(ToolChoiceMode.Function, name, value.GetRawText());
        }

        throw new RequestException("'tool_choice' must be none, auto, required or {\"type\":\"function\",\"function\":{\"name\":...}} (other forms are not supported).", "tool_choice");
    }

    /// <summary>OpenAI's <c>response_format</c>: <c>{type: text | json_object | json_schema, ...}</c>, kept as the client wrote it.</summary>
    private static ResponseFormat? ResponseFormat(JsonElement root)
    {
        if (!root.TryGetProperty("response_format", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var type = value.ValueKind == JsonValueKind.Object ? OptionalString(value, "type", "response_format.type") : null;
        if (type == "json_schema")
        {
            JsonSchemaFormat(value);
        }

        return type is "text" or "json_object" or "json_schema"
            ? new ResponseFormat(type, value.GetRawText())
            : throw new RequestException("'response_format' must be an object with type text, json_object or json_schema.", "response_format");
    }

    /// <summary>
    /// <c>json_schema: {name, description?, schema?, strict?}</c> as OpenAI requires it (a name of at most 64 letters,
    /// digits, <c>_</c> or <c>-</c>; a schema object): checked here, before routing, because the Anthropic adapter names
    /// its forced tool after it (Anthropic's tool names follow the same rule) and reads the schema.
    /// </summary>
    private static void JsonSchemaFormat(JsonElement value)
    {
        if (!value.TryGetProperty("json_schema", out var spec) || spec.ValueKind != JsonValueKind.Object)
        {
            throw new RequestException("'response_format.json_schema' is required for type json_schema and must be an object.", "response_format.json_schema");
        }

        var name = OptionalString(spec, "name", "response_format.json_schema.name");
        if (name is not { Length: > 0 and <= 64 } || !name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new RequestException("'response_format.json_schema.name' is required: 1 to 64 letters, digits, '_' or '-'.", "response_format.json_schema.name");
        }

        OptionalString(spec, "description", "response_format.json_schema.description");
        if (spec.TryGetProperty("schema", out var schema) && schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            throw new RequestException("'response_format.json_schema.schema' must be a JSON Schema object.", "response_format.json_schema.schema");
        }
    }

    /// <summary>An assistant message's <c>tool_calls</c>: <c>[{id, type:"function", function:{name, arguments}}]</c>.</summary>
    private static List<ToolCall>? MessageToolCalls(JsonElement m, string at)
    {
        if (!m.TryGetProperty("tool_calls", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new RequestException($"'{at}.tool_calls' must be an array.", at + ".tool_calls");
        }

        var calls = new List<ToolCall>(value.GetArrayLength());
        int index = 0;
        foreach (var call in value.EnumerateArray())
        {
            string callAt = $"{at}.tool_calls[{index++}]";
            if (call.ValueKind != JsonValueKind.Object || OptionalString(call, "type", callAt + ".type") is not (null or "function"))
            {
                throw new RequestException($"'{callAt}' must be a function call object.", callAt);
            }

            var id = OptionalString(call, "id", callAt + ".id");
            if (string.IsNullOrEmpty(id))
            {
                throw new RequestException($"'{callAt}.id' is required.", callAt + ".id");
            }

            if (!call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                || OptionalString(function, "name", callAt + ".function.name") is not { Length: > 0 } name)
            {
                throw new RequestException($"'{callAt}.function.name' is required.", callAt + ".function.name");
            }

            calls.Add(new ToolCall(id, name, OptionalString(function, "arguments", callAt + ".function.arguments") ?? string.Empty));
        }

        return calls.Count > 0 ? calls : null;
    }

    /// <summary><c>seed</c>: an integer (it was dropped silently when it was not one; now it is named).</summary>
    private static long? Seed(JsonElement root)
    {
        if (!root.TryGetProperty("seed", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seed)
            ? seed
            : throw new RequestException("'seed' must be an integer.", "seed");
    }

    private static string RequiredString(JsonElement root, string name) =>
        OptionalString(root, name) is { Length: > 0 } value ? value : throw new RequestException($"'{name}' is required and must be a non-empty string.", name);

    private static string? OptionalString(JsonElement root, string name, string? param = null)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new RequestException($"'{param ?? name}' must be a string.", param ?? name);
    }

    private static bool? OptionalBool(JsonElement root, string name, string param)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new RequestException($"'{param}' must be a boolean.", param),
        };
    }

    private static int? OptionalInt(JsonElement root, string name, int min, int max)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n) || n < min || n > max)
        {
            throw new RequestException($"'{name}' must be an integer between {min} and {max}.", name);
        }

        return n;
    }

    private static double? OptionalDouble(JsonElement root, string name, double min, double max, string? param = null)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d) || d < min || d > max || !double.IsFinite(d))
        {
            throw new RequestException(FormattableString.Invariant($"'{param ?? name}' must be a number between {min} and {max}."), param ?? name);
        }

        return d;
    }

    private static List<string> StringList(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new RequestException($"'{name}' must be an array of model names.", name);
        }

        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            list.Add(item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } s ? s : throw new RequestException($"'{name}' must contain non-empty strings.", name));
        }

        return list;
    }

    private static List<string>? Stop(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? [value.GetString()!] : StringList(root, "stop");
    }

    private sealed class RequestException : Exception
    {
        public RequestException(string message, string? param)
            : base(message) => Error = new(message, param);

        public RequestException(RequestError error)
            : base(error.Message) => Error = error;

        public RequestError Error { get; }
    }
}
