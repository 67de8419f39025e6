using System.Globalization;
using System.Net.Http.Headers;

namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// The HTTP steps every adapter shares: send with response headers first (so the body streams), turn transport
/// failures into <see cref="ProviderException"/>s of the right kind, read a bounded error body and the upstream's
/// <c>Retry-After</c>, and open the body as text.
/// </summary>
internal static class UpstreamHttp
{
    private const int MaxErrorBody = 4096;

    /// <summary>Longest <c>Retry-After</c> honoured: a misconfigured upstream must not remove itself for hours.</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(10);

    /// <summary>A POST of <paramref name="json"/> to <paramref name="endpoint"/> asking for an event stream; the adapter adds its credentials.</summary>
    public static HttpRequestMessage StreamingPost(Uri endpoint, byte[] json)
    {
        // Constant, well-formed values: added without the parse (and parsed-value objects) the typed setters cost per request.
        var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(json) };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        message.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        return message;
    }

    /// <summary>
    /// Sends <paramref name="message"/> and opens the answer's body as it arrives; an error status is thrown as a
    /// <see cref="ProviderException"/> (with the body and <c>Retry-After</c>), a transport failure as one of its kind.
    /// </summary>
    public static async Task<UpstreamAnswer> OpenAsync(HttpClient http, string upstream, HttpRequestMessage message, CancellationToken cancellationToken)
    {
        var response = await SendAsync(http, upstream, message, cancellationToken).ConfigureAwait(false);
        try
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await StatusErrorAsync(upstream, response, cancellationToken).ConfigureAwait(false);
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new UpstreamAnswer(upstream, response, stream);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            response.Dispose();
            throw new ProviderException(ProviderFailureKind.Connection, $"upstream '{upstream}': {e.Message}", inner: e);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string upstream, HttpRequestMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ProviderException(ProviderFailureKind.Connection, $"upstream '{upstream}' unreachable: {e.Message}", inner: e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout elapsed.
            throw new ProviderException(ProviderFailureKind.Timeout, $"upstream '{upstream}' timed out", inner: e);
        }
    }

    /// <summary>The exception for an error status: the status, the (truncated) body and the <c>Retry-After</c> it asked for.</summary>
    private static async Task<ProviderException> StatusErrorAsync(string upstream, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await ReadErrorBodyAsync(response, cancellationToken).ConfigureAwait(false);
        return new ProviderException(
            ProviderFailureKind.Status,
            $"upstream '{upstream}' answered {(int)response.StatusCode} {response.ReasonPhrase}",
            (int)response.StatusCode,
            body)
        {
            RetryAfter = RetryAfter(response, DateTimeOffset.UtcNow),
        };
    }

    /// <summary>The next server-sent event, or null at the end; a broken connection is a <see cref="ProviderFailureKind.Connection"/> failure.</summary>
    public static async ValueTask<SseEvent?> NextEventAsync(string upstream, SseReader sse, CancellationToken cancellationToken)
    {
        try
        {
            return await sse.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new ProviderException(ProviderFailureKind.Connection, $"upstream '{upstream}' stream broke: {e.Message}", inner: e);
        }
    }

    /// <summary>As <see cref="NextEventAsync"/>, with the data as UTF-8 bytes in the reader's buffer.</summary>
    public static async ValueTask<Utf8SseEvent?> NextChunkAsync(string upstream, Utf8SseReader sse, CancellationToken cancellationToken)
    {
        try
        {
            return await sse.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new ProviderException(ProviderFailureKind.Connection, $"upstream '{upstream}' stream broke: {e.Message}", inner: e);
        }
    }

    /// <summary>
    /// How long the upstream asked us to wait: <c>retry-after-ms</c> (OpenAI's), else <c>Retry-After</c> as seconds or
    /// an HTTP date; capped at 10 minutes; null when absent or unreadable.
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        TimeSpan? wait = null;
        if (response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            wait = TimeSpan.FromMilliseconds(milliseconds);
        }
        else if (response.Headers.RetryAfter is RetryConditionHeaderValue retry)
        {
            wait = retry.Delta ?? (retry.Date is { } date ? date - now : null);
        }

        if (wait is not { } value)
        {
            return null;
        }

        return value < TimeSpan.Zero ? TimeSpan.Zero : value > MaxRetryAfter ? MaxRetryAfter : value;
    }

    /// <summary>At most 4 KiB of an upstream's text, for error messages.</summary>
    public static string Truncate(string text) => text.Length <= MaxErrorBody ? text : text[..MaxErrorBody];

    private static async Task<string?> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return Truncate(text);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return null;
        }
    }
}
