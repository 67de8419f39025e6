using System.Net;
using System.Text;

namespace Crossroads.ModelRouting.Tests;

/// <summary>An HTTP handler answering every request with one status and body (the adapters' tests' upstream); keeps the last request.</summary>
internal sealed class StubHandler(HttpStatusCode status, string body, string mediaType, Action<HttpResponseMessage>? headers) : HttpMessageHandler
{
    public HttpRequestMessage? Request { get; private set; }

    /// <summary>A handler answering 200 with <paramref name="body"/> as <c>application/json</c> (a whole, non-streamed answer).</summary>
    public static StubHandler Json(string body) => new(HttpStatusCode.OK, body, "application/json", null);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Request = request;
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        headers?.Invoke(response);
        return Task.FromResult(response);
    }
}
