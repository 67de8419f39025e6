using System.Text.Json;
using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Reads request bodies leniently where OpenAI is lenient (unknown members are ignored: SDKs send many) and strictly
/// where a wrong value would change what is routed or billed (types, ranges, <c>n</c> ≠ 1). Every refusal names the
/// parameter, as OpenAI's <c>error.param</c> does.
/// </summary>
internal static class RequestParser
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static async Task<(JsonDocument? Document, RequestError? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, new RequestError($"The request body is larger than {MaxBodyBytes} bytes.", null, "request_too_large", StatusCodes.Status413PayloadTooLarge));
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
                Seed = root.TryGetProperty("seed", out var seed) && seed.ValueKind == JsonValueKind.Number && seed.TryGetInt64(out var s) ? s : null,
                User = OptionalString(root, "user"),
                Fallbacks = StringList(root, "models"),
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

        if (!m.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return new ChatMessage(role, string.Empty);
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return new ChatMessage(role, content.GetString()!);
        }

        if (content.ValueKind == JsonValueKind.Array)
        {
            var text = new System.Text.StringBuilder();
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueEquals("text")
                    && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    text.Append(t.GetString());
                }
                else
                {
                    throw new RequestException($"'{at}.content' parts other than text are not supported yet.", at + ".content");
                }
            }

            return new ChatMessage(role, text.ToString());
        }

        throw new RequestException($"'{at}.content' must be a string or an array of text parts.", at + ".content");
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

    private sealed class RequestException(string message, string? param) : Exception(message)
    {
        public RequestError Error { get; } = new(message, param);
    }
}
