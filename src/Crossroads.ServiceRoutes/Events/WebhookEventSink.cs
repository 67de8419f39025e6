using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Crossroads.ServiceRoutes.Events;

/// <summary>
/// POSTs each outbox message, one after the other in revision order, to one URL: the body is the payload (UTF-8 JSON),
/// with <c>X-Crossroads-Event-Id</c>, <c>X-Crossroads-Timestamp</c> (Unix seconds) and <c>X-Crossroads-Signature:
/// sha256=&lt;hex HMAC-SHA256 of the body&gt;</c> (<see cref="WebhookSignature"/>). Any status other than 2xx, a
/// timeout or a connection error fails the batch.
/// </summary>
public sealed class WebhookEventSink : IEventSink
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly bool _ownsClient;
    private readonly WebhookTarget _target;
    private readonly Uri _url;
    private readonly TimeProvider _time;

    /// <summary>
    /// A sink for <paramref name="target"/>. Pass the <paramref name="http"/> client to use (e.g. from
    /// IHttpClientFactory; it is not disposed here), or none for one of its own.
    /// </summary>
    public WebhookEventSink(WebhookTarget target, HttpClient? http = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!Uri.TryCreate(target.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"webhook URL '{target.Url}' is not an absolute http(s) URL", nameof(target));
        }

        if (string.IsNullOrEmpty(target.Secret))
        {
            throw new ArgumentException($"webhook {target.Url} has no secret", nameof(target));
        }

        _target = target;
        _url = url;
        _time = timeProvider ?? TimeProvider.System;
        _ownsClient = http is null;
        // Our own client: re-resolve DNS now and then (a receiver behind a service name may move); the per-request
        // timeout below is the one that counts.
        _http = http ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        // The URL's query may hold a token; the name goes to logs, so it carries scheme, host, port and path only.
        Name = "webhook " + url.GetLeftPart(UriPartial.Path);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public async Task DeliverAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            await PostAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async Task PostAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        byte[] body = Encoding.UTF8.GetBytes(message.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add(WebhookSignature.EventIdHeader, message.EventId.ToString("D"));
        request.Headers.Add(WebhookSignature.TimestampHeader, _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Compute(_target.Secret, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_target.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"{Name} did not answer event {message.EventId} within {_target.Timeout.TotalSeconds:0.###} s");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException(
                    $"{Name} answered event {message.EventId} (revision {message.Revision}) with {(int)response.StatusCode} {response.ReasonPhrase}",
                    inner: null,
                    response.StatusCode);
            }
        }
    }
}
