using System.Globalization;
using Crossroads.Hosting;
using Crossroads.ServiceRoutes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// What every write takes from its request: the actor (<c>changed_by</c>: the API key's name), the correlation id
/// (<c>X-Correlation-ID</c> when valid, else the request id; echoed), and the <c>If-Match</c> revision.
/// </summary>
internal readonly record struct WriteContext(string Actor, string CorrelationId, long? ExpectedRevision, bool MustExist, string? IdempotencyKey)
{
    public const string CorrelationHeader = "X-Correlation-ID";

    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>Set on an answer that repeats the first answer to the same <c>Idempotency-Key</c>.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Who made a change when no API key authenticated it (a loopback client with auth off).</summary>
    public const string AnonymousActor = "anonymous";

    public static (WriteContext Context, ProblemHttpResult? Error) From(HttpContext http)
    {
        string correlationId = Correlate(http);
        string actor = http.GetApiKeyName() ?? AnonymousActor;
        var keys = http.Request.Headers[IdempotencyHeader];
        if (keys.Count > 1)
        {
            return (default, TrafficManagerProblems.Validation("Idempotency-Key: give one key"));
        }

        string? idempotencyKey = keys.Count == 1 ? keys[0] : null;
        var ifMatch = http.Request.Headers.IfMatch;
        if (ifMatch.Count == 0)
        {
            return (new WriteContext(actor, correlationId, null, false, idempotencyKey), null);
        }

        string value = ifMatch.Count == 1 ? (ifMatch[0] ?? "").Trim() : "";
        if (value == "*")
        {
            return (new WriteContext(actor, correlationId, null, true, idempotencyKey), null);
        }

        if (TryParseRevision(value, out long revision))
        {
            return (new WriteContext(actor, correlationId, revision, false, idempotencyKey), null);
        }

        return (default, TrafficManagerProblems.Create(
            StatusCodes.Status400BadRequest,
            "Invalid If-Match",
            $"If-Match must be one revision, e.g. \"42\" (the ETag of a read or the revision of a write), got '{QueryValues.Cut(string.Join(", ", ifMatch.ToArray()))}'"));
    }

    /// <summary>
    /// The store's options for this write: the If-Match revision, and the idempotency key with a fingerprint of the
    /// request (SHA-256 of method, path, query and body), so the same key with another request is told apart.
    /// </summary>
    public WriteOptions Options(HttpRequest request, ReadOnlySpan<byte> body)
    {
        if (IdempotencyKey is null)
        {
            return new WriteOptions { ExpectedRevision = ExpectedRevision };
        }

        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(string.Concat(request.Method, " ", request.Path.Value, request.QueryString.Value, "\n")));
        hash.AppendData(body);
        string fingerprint = Convert.ToHexStringLower(hash.GetHashAndReset());
        return new WriteOptions { ExpectedRevision = ExpectedRevision, Idempotency = new Crossroads.ServiceRoutes.IdempotencyKey(IdempotencyKey, fingerprint) };
    }

    /// <summary>Settles and echoes the correlation id; reads call it too.</summary>
    public static string Correlate(HttpContext http)
    {
        var incoming = http.Request.Headers[CorrelationHeader];
        string id = incoming.Count == 1 && Crossroads.Hosting.Correlation.RequestIds.IsValid(incoming[0]) ? incoming[0]! : http.GetRequestId();
        http.Response.Headers[CorrelationHeader] = id;
        return id;
    }

    /// <summary>An entity tag for a revision: <c>"42"</c>.</summary>
    public static string ETag(long revision) => string.Concat("\"", revision.ToString(CultureInfo.InvariantCulture), "\"");

    /// <summary><c>"42"</c>, <c>42</c> or <c>W/"42"</c> (weak tags compare equal here: a revision is the whole state).</summary>
    public static bool TryParseRevision(string value, out long revision)
    {
        var text = value.AsSpan().Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = text[1..^1];
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out revision) && revision >= 0;
    }
}
