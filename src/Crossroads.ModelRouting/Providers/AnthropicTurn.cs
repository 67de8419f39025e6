using System.Text.Json;

namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// One turn of a Messages API conversation, built from the chat's non-system messages. The API wants user and
/// assistant turns to alternate, so consecutive messages of one role share a turn; tool messages are user turns
/// (their results are <c>tool_result</c> blocks), an assistant's tool calls are <c>tool_use</c> blocks and a user's
/// images <c>image</c> blocks between its text blocks, in the client's order. A turn of
/// text only is written as one string (the texts joined by a blank line), as before tools were mapped.
/// </summary>
internal sealed class AnthropicTurn
{
    private readonly List<Block> _blocks = [];

    private AnthropicTurn(string role) => Role = role;

    /// <summary><c>user</c> or <c>assistant</c>.</summary>
    public string Role { get; }

    /// <summary>
    /// The turns of <paramref name="messages"/>; throws a 400 <see cref="ProviderException"/> when an assistant's tool
    /// call arguments are not a JSON object (Anthropic's <c>input</c> must be one). With <paramref name="thinking"/>
    /// (the attempt thinks), an assistant message's thinking blocks open its turn; without, they are not sent: only a
    /// thinking request needs them, and a model not configured to think may not take the block type.
    /// </summary>
    public static List<AnthropicTurn> Of(IReadOnlyList<ChatMessage> messages, bool thinking = false)
    {
        var turns = new List<AnthropicTurn>(messages.Count);
        foreach (var message in messages)
        {
            if (AnthropicProvider.IsSystem(message.Role))
            {
                continue;
            }

            string role = message.Role == "assistant" ? "assistant" : "user";
            if (turns.Count == 0 || turns[^1].Role != role)
            {
                turns.Add(new AnthropicTurn(role));
            }

            var blocks = turns[^1]._blocks;
            if (thinking && role == "assistant")
            {
                foreach (var block in message.ThinkingBlocks ?? [])
                {
                    blocks.Add(new Block(BlockKind.Thinking, string.Empty, null, null, Thinking: block));
                }
            }

            // A tool message without a call id (the chat endpoint requires one; a caller in code may omit it) is plain user text.
            if (message.Role == "tool" && message.ToolCallId is not null)
            {
                blocks.Add(new Block(BlockKind.ToolResult, message.Content, message.ToolCallId, null));
                continue;
            }

            if (message.Parts is { } parts)
            {
                // Text and images in the client's order (each text part its own block; empty ones are not written).
                foreach (var part in parts)
                {
                    blocks.Add(part.Image is { } image ? new Block(BlockKind.Image, string.Empty, null, null, image) : new Block(BlockKind.Text, part.Text!, null, null));
                }
            }

            // An assistant that only called tools said nothing: Anthropic refuses empty text blocks.
            else if (message.Content.Length > 0 || message.ToolCalls is not { Count: > 0 })
            {
                blocks.Add(new Block(BlockKind.Text, message.Content, null, null));
            }

            foreach (var call in message.ToolCalls ?? [])
            {
                blocks.Add(new Block(BlockKind.ToolUse, Input(call), call.Id, call.Name));
            }
        }

        return turns;
    }

    /// <summary>
    /// Writes <c>{"role", "content"}</c>: a string for text only, else blocks (a user turn's tool results first, as the
    /// API requires). With <paramref name="cacheTtl"/> the turn's last block carries a prompt-cache breakpoint (so the
    /// content is always blocks): the conversation's rolling breakpoint (see <see cref="AnthropicProvider.WriteCacheControl"/>).
    /// </summary>
    public void Write(Utf8JsonWriter writer, string? cacheTtl = null)
    {
        writer.WriteStartObject();
        writer.WriteString("role", Role);
        // A user turn's tool results come first, as the API requires; an assistant turn starts with its thinking
        // blocks, unchanged and in order (the API checks their signatures and wants them before text and tool_use).
        var ordered = _blocks.Where(static b => b.Kind is BlockKind.ToolResult or BlockKind.Thinking)
            .Concat(_blocks.Where(static b => b.Kind is not (BlockKind.ToolResult or BlockKind.Thinking)))
            .Where(static b => b.Kind != BlockKind.Text || b.Text.Length > 0)
            .ToList();
        bool mark = cacheTtl is not null && ordered.Count > 0 && ordered[^1].Kind != BlockKind.Thinking;
        if (!mark && _blocks.TrueForAll(static b => b.Kind == BlockKind.Text))
        {
            writer.WriteString("content", string.Join("\n\n", _blocks.Select(static b => b.Text)));
            writer.WriteEndObject();
            return;
        }

        writer.WriteStartArray("content");
        for (int i = 0; i < ordered.Count; i++)
        {
            var block = ordered[i];
            if (block.Kind == BlockKind.Thinking)
            {
                block.Thinking!.Write(writer);
                continue;
            }

            writer.WriteStartObject();
            switch (block.Kind)
            {
                case BlockKind.Text:
                    writer.WriteString("type", "text");
                    writer.WriteString("text", block.Text);
                    break;
                case BlockKind.ToolUse:
                    writer.WriteString("type", "tool_use");
                    writer.WriteString("id", block.Id);
                    writer.WriteString("name", block.Name);
                    writer.WritePropertyName("input");
                    writer.WriteRawValue(block.Text, skipInputValidation: true);
                    break;
                case BlockKind.Image:
                    WriteImage(writer, block.Image!);
                    break;
                case BlockKind.ToolResult:
                    writer.WriteString("type", "tool_result");
                    writer.WriteString("tool_use_id", block.Id);
                    writer.WriteString("content", block.Text);
                    break;
            }

            if (mark && i == ordered.Count - 1)
            {
                AnthropicProvider.WriteCacheControl(writer, cacheTtl);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// An image block's members (the caller opens and closes the object): <c>{"type":"image","source":{"type":"base64","media_type","data"}}</c> for a data URL (its
    /// base64 text as the client sent it, not decoded), <c>{"type":"url","url"}</c> source for an http(s) URL, which
    /// Anthropic fetches itself. OpenAI's <c>detail</c> has no counterpart and is dropped.
    /// </summary>
    private static void WriteImage(Utf8JsonWriter writer, ImagePart image)
    {
        writer.WriteString("type", "image");
        writer.WriteStartObject("source");
        if (image.IsData)
        {
            writer.WriteString("type", "base64");
            writer.WriteString("media_type", image.MediaType);
            writer.WriteString("data", image.Base64Data);
        }
        else
        {
            writer.WriteString("type", "url");
            writer.WriteString("url", image.Url);
        }

        writer.WriteEndObject();
    }

    /// <summary>The call's arguments as Anthropic's <c>input</c> object (<c>{}</c> for none), validated here so the body is valid JSON.</summary>
    private static string Input(ToolCall call)
    {
        if (string.IsNullOrWhiteSpace(call.Arguments))
        {
            return "{}";
        }

        try
        {
            using var document = JsonDocument.Parse(call.Arguments);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document.RootElement.GetRawText();
            }
        }
        catch (JsonException)
        {
            // Refused below, as for a non-object.
        }

        throw new ProviderException(ProviderFailureKind.Status, $"the arguments of tool call '{call.Id}' are not a JSON object, which Anthropic's tool_use input must be", 400);
    }

    private enum BlockKind
    {
        Text,
        ToolUse,
        ToolResult,
        Image,
        Thinking,
    }

    /// <summary>A content block: text (or a tool_use's input JSON, or a tool_result's text), the call's id and name, an image, or a thinking block.</summary>
    private readonly record struct Block(BlockKind Kind, string Text, string? Id, string? Name, ImagePart? Image = null, ThinkingBlock? Thinking = null);
}
