using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Crossroads.Server;

/// <summary>
/// Checks the text of every string of a parsed body. <see cref="JsonDocument"/> does not: bytes that are not UTF-8
/// inside a string, or an escaped lone surrogate (<c>"\ud800"</c>), parse, and the string's <c>GetString()</c> throws
/// <see cref="InvalidOperationException"/> later, wherever an endpoint reads it (a 500). The body readers call this
/// right after parsing so such a body is a 400 like any other malformed JSON. Unescaped strings are checked on their
/// raw bytes (no allocation); only strings with escapes are decoded.
/// </summary>
internal static class JsonText
{
    /// <summary>Where the first string that is not valid text is (<c>$.messages[0].content</c>), or null if none.</summary>
    public static string? FindInvalidString(JsonElement root)
    {
        string? where = null;
        return Valid(root, ref where) ? null : "$" + where;
    }

    /// <summary>The message for a body <see cref="FindInvalidString"/> refused.</summary>
    public static string Describe(string where) =>
        $"the string at {where} is not valid text (bytes that are not UTF-8, or an unpaired surrogate escape such as \\ud800)";

    private static bool Valid(JsonElement element, ref string? where)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return ValidText(JsonMarshal.GetRawUtf8Value(element), element);
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    if (!ValidName(member))
                    {
                        where = " (a member name)";
                        return false;
                    }

                    if (!Valid(member.Value, ref where))
                    {
                        string name = member.Name;
                        where = "." + (name.Length > 64 ? name[..64] + "…" : name) + where;
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (!Valid(item, ref where))
                    {
                        where = $"[{index}]{where}";
                        return false;
                    }

                    index++;
                }

                return true;
            default:
                return true;
        }
    }

    private static bool ValidText(ReadOnlySpan<byte> raw, JsonElement element) =>
        ValidRaw(raw, element, static e => e.GetString());

    private static bool ValidName(JsonProperty member) =>
        ValidRaw(JsonMarshal.GetRawUtf8PropertyName(member), member, static m => m.Name);

    // Raw bytes that are UTF-8 and carry no escape are text; only an escaped one is decoded, which throws for a lone
    // surrogate escape.
    private static bool ValidRaw<T>(ReadOnlySpan<byte> raw, T value, Func<T, string?> decode)
    {
        if (!Utf8.IsValid(raw))
        {
            return false;
        }

        if (raw.IndexOf((byte)'\\') < 0)
        {
            return true;
        }

        try
        {
            _ = decode(value);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
