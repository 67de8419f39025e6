using System.Text.Json;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// The members passed to OpenAI-compatible upstreams as the client wrote them (<c>metadata</c>, <c>service_tier</c>,
/// <c>prediction</c>, <c>web_search_options</c>; <c>store</c> is a plain boolean). Each is checked against OpenAI's
/// reference here, before routing: passed on unchecked, a bad value would be refused by an OpenAI upstream and
/// dropped or refused otherwise, so the answer would depend on the route.
/// </summary>
internal static partial class RequestParser
{
    /// <summary>The values of <c>service_tier</c> OpenAI documents.</summary>
    public static readonly string[] ServiceTiers = ["auto", "default", "flex", "scale", "priority"];

    private static readonly string[] SearchContextSizes = ["low", "medium", "high"];

    /// <summary>OpenAI's <c>metadata</c>: an object of at most 16 pairs, keys of at most 64 characters, string values of at most 512; kept as written.</summary>
    private static string? Metadata(JsonElement root)
    {
        if (!root.TryGetProperty("metadata", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new RequestException($"'metadata' must be an object of string keys and string values, got {Describe(value)}.", "metadata");
        }

        int count = 0;
        foreach (var pair in value.EnumerateObject())
        {
            if (++count > 16)
            {
                throw new RequestException("'metadata' may hold at most 16 key-value pairs.", "metadata");
            }

            if (pair.Name.Length > 64)
            {
                throw new RequestException($"'metadata' keys must be at most 64 characters, got one of {pair.Name.Length}.", "metadata");
            }

            if (pair.Value.ValueKind != JsonValueKind.String)
            {
                throw new RequestException($"'metadata' values must be strings, got {Describe(pair.Value)} for '{pair.Name}'.", "metadata");
            }

            if (pair.Value.GetString()!.Length > 512)
            {
                throw new RequestException($"'metadata' values must be at most 512 characters ('{pair.Name}' has {pair.Value.GetString()!.Length}).", "metadata");
            }
        }

        return value.GetRawText();
    }

    /// <summary>OpenAI's <c>service_tier</c>: one of <see cref="ServiceTiers"/>, spelt as OpenAI does.</summary>
    private static string? ServiceTier(JsonElement root)
    {
        if (!root.TryGetProperty("service_tier", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return OneOf(value, ServiceTiers, "service_tier");
    }

    /// <summary>OpenAI's <c>prediction</c>: <c>{type: "content", content}</c>, the content a string or an array of text parts; kept as written.</summary>
    private static string? Prediction(JsonElement root)
    {
        if (!root.TryGetProperty("prediction", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new RequestException($"'prediction' must be an object {{\"type\":\"content\",\"content\":...}}, got {Describe(value)}.", "prediction");
        }

        if (!value.TryGetProperty("type", out var type) || !type.ValueEquals("content"))
        {
            throw new RequestException("'prediction.type' must be 'content'.", "prediction.type");
        }

        if (!value.TryGetProperty("content", out var content) || content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            throw new RequestException("'prediction.content' is required: a string or an array of text parts.", "prediction.content");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return value.GetRawText();
        }

        int index = 0;
        foreach (var part in content.EnumerateArray())
        {
            string at = FormattableString.Invariant($"prediction.content[{index++}]");
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var partType) || !partType.ValueEquals("text")
                || !part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new RequestException($"'{at}' must be a text part {{\"type\":\"text\",\"text\":...}}.", at);
            }
        }

        return value.GetRawText();
    }

    /// <summary>OpenAI's <c>web_search_options</c>: an object; <c>search_context_size</c> low, medium or high and <c>user_location</c> an object when given. Kept as written.</summary>
    private static string? WebSearchOptions(JsonElement root)
    {
        if (!root.TryGetProperty("web_search_options", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new RequestException($"'web_search_options' must be an object, got {Describe(value)}.", "web_search_options");
        }

        if (value.TryGetProperty("search_context_size", out var size) && size.ValueKind != JsonValueKind.Null)
        {
            OneOf(size, SearchContextSizes, "web_search_options.search_context_size");
        }

        if (value.TryGetProperty("user_location", out var location) && location.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            throw new RequestException($"'web_search_options.user_location' must be an object, got {Describe(location)}.", "web_search_options.user_location");
        }

        return value.GetRawText();
    }

    /// <summary>The string of <paramref name="value"/> when it is one of <paramref name="allowed"/> (the shared instance); otherwise a 400 listing them.</summary>
    private static string OneOf(JsonElement value, string[] allowed, string param)
    {
        if (value.ValueKind == JsonValueKind.String && Array.IndexOf(allowed, value.GetString()) is >= 0 and var index)
        {
            return allowed[index];
        }

        throw new RequestException($"'{param}' must be {string.Join(", ", allowed[..^1])} or {allowed[^1]}, got {Describe(value)}.", param);
    }

    /// <summary>What a refused value was, for the message: the string itself, or its kind.</summary>
    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"'{value.GetString()}'",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        _ => "an object",
    };
}
