using System.Security.Cryptography;
using System.Text;

namespace Crossroads.ServiceRoutes.Events;

/// <summary>The <c>X-Crossroads-Signature</c> value of a webhook body: <c>sha256=</c> and the lower-case hex HMAC-SHA256.</summary>
public static class WebhookSignature
{
    /// <summary>The header carrying the signature.</summary>
    public const string Header = "X-Crossroads-Signature";

    /// <summary>The header carrying the event id (the payload's <c>event_id</c>; receivers deduplicate on it).</summary>
    public const string EventIdHeader = "X-Crossroads-Event-Id";

    /// <summary>The header carrying the send time in Unix seconds (lets a receiver reject stale deliveries).</summary>
    public const string TimestampHeader = "X-Crossroads-Timestamp";

    /// <summary><c>sha256=</c> + hex(HMAC-SHA256(key: UTF-8 of <paramref name="secret"/>, message: <paramref name="body"/>)).</summary>
    public static string Compute(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, mac);
        return "sha256=" + Convert.ToHexStringLower(mac);
    }
}
