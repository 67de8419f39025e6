using System.Text.Json;

namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// One of Anthropic's signed thinking blocks, as the router relays it to the client (<c>thinking_blocks</c>) and takes
/// it back in an assistant message: <c>{"type":"thinking","thinking","signature"}</c> or
/// <c>{"type":"redacted_thinking","data"}</c>. The strings are the upstream's, never changed (not redacted, not
/// restored): Anthropic checks the signature against them when a tool-use loop sends the block back. A signature is
/// valid for the model that made it only, so the relayed block also names that model (<see cref="Model"/>, the
/// router's own member, never sent upstream): a continuation of the loop is then kept on it.
/// </summary>
public sealed record ThinkingBlock
{
    private ThinkingBlock(bool redacted, string text, string signature)
    {
        IsRedacted = redacted;
        Text = text;
        Signature = signature;
    }

    /// <summary>Whether it is a <c>redacted_thinking</c> block (its <see cref="Text"/> is the encrypted <c>data</c>).</summary>
    public bool IsRedacted { get; }

    /// <summary>The <c>thinking</c> text, or a redacted block's <c>data</c>.</summary>
    public string Text { get; }

    /// <summary>The <c>signature</c> of a thinking block; empty for a redacted one.</summary>
    public string Signature { get; }

    /// <summary>The upstream model that signed the block (<c>model</c> in the client's copy); null when the client's block names none.</summary>
    public string? Model { get; init; }

    /// <summary>A <c>thinking</c> block.</summary>
    public static ThinkingBlock Thinking(string thinking, string signature) => new(false, thinking, signature);

    /// <summary>A <c>redacted_thinking</c> block.</summary>
    public static ThinkingBlock Redacted(string data) => new(true, data, string.Empty);

    /// <summary>Writes the block as Anthropic's content block (the API refuses members it does not know, so no <see cref="Model"/>).</summary>
    public void Write(Utf8JsonWriter writer) => Write(writer, withModel: false);

    /// <summary>Writes the block as the client gets it: Anthropic's content block and the <c>model</c> that signed it.</summary>
    public void WriteForClient(Utf8JsonWriter writer) => Write(writer, withModel: true);

    private void Write(Utf8JsonWriter writer, bool withModel)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        if (IsRedacted)
        {
            writer.WriteString("type", "redacted_thinking");
            writer.WriteString("data", Text);
        }
        else
        {
            writer.WriteString("type", "thinking");
            writer.WriteString("thinking", Text);
            writer.WriteString("signature", Signature);
        }

        if (withModel && Model is not null)
        {
            writer.WriteString("model", Model);
        }

        writer.WriteEndObject();
    }
}
