using System.Globalization;
using System.Text.Json;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// An assistant message's <c>thinking_blocks</c>: the signed thinking of the answer it was, which the router gave the
/// client (LiteLLM's member) and which Anthropic wants back to continue a tool-use loop. Checked here so a malformed
/// block is the client's 400 naming it, not Anthropic's refusal of the whole request after routing.
/// </summary>
internal static partial class RequestParser
{
    /// <summary>The blocks of <paramref name="m"/> (an assistant message at <paramref name="at"/>); null when absent, null or empty.</summary>
    private static List<ThinkingBlock>? MessageThinkingBlocks(JsonElement m, string at)
    {
        if (!m.TryGetProperty("thinking_blocks", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        string member = at + ".thinking_blocks";
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new RequestException($"'{member}' must be an array of thinking blocks, got {Describe(value)}.", member);
        }

        var blocks = new List<ThinkingBlock>(value.GetArrayLength());
        int index = 0;
        foreach (var block in value.EnumerateArray())
        {
            string blockAt = string.Create(CultureInfo.InvariantCulture, $"{member}[{index++}]");
            if (block.ValueKind != JsonValueKind.Object)
            {
                throw new RequestException($"'{blockAt}' must be an object, got {Describe(block)}.", blockAt);
            }

            var parsed = OptionalString(block, "type", blockAt + ".type") switch
            {
                "thinking" => ThinkingBlock.Thinking(BlockString(block, "thinking", blockAt), BlockString(block, "signature", blockAt)),
                "redacted_thinking" => ThinkingBlock.Redacted(BlockString(block, "data", blockAt)),
                var other => throw new RequestException($"'{blockAt}.type' must be thinking or redacted_thinking, got {(other is null ? "none" : $"'{other}'")}.", blockAt + ".type"),
            };

            // The model the router stamped on the block it relayed (absent in blocks from elsewhere).
            blocks.Add(parsed with { Model = OptionalString(block, "model", blockAt + ".model") });
        }

        return blocks.Count > 0 ? blocks : null;
    }

    private static string BlockString(JsonElement block, string name, string blockAt) =>
        block.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new RequestException($"'{blockAt}.{name}' is required and must be a string.", $"{blockAt}.{name}");
}
