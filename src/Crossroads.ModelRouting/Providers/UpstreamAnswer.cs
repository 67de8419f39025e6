using System.Text;

namespace Crossroads.ModelRouting.Providers;

/// <summary>A successful upstream answer being read: its body (as bytes or as text), and whether it is a whole JSON body rather than an event stream.</summary>
internal sealed class UpstreamAnswer(string upstream, HttpResponseMessage response, Stream body) : IDisposable
{
    private StreamReader? _reader;

    /// <summary>The body's bytes (for a reader of its own, such as <see cref="Utf8SseReader"/>; do not mix with <see cref="Reader"/>).</summary>
    public Stream Body => body;

    /// <summary>The body as UTF-8 text.</summary>
    public StreamReader Reader => _reader ??= new StreamReader(body, Encoding.UTF8);

    /// <summary>True when the upstream answered one JSON body (servers that ignore <c>stream</c>) instead of events.</summary>
    public bool IsWholeJson => response.Content.Headers.ContentType?.MediaType is "application/json";

    /// <summary>Reads a whole JSON body.</summary>
    public async Task<string> ReadWholeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new ProviderException(ProviderFailureKind.Connection, $"upstream '{upstream}' body broke: {e.Message}", inner: e);
        }
    }

    /// <summary>Closes the body and the response (aborting the upstream request when it is not finished).</summary>
    public void Dispose()
    {
        _reader?.Dispose();
        body.Dispose();
        response.Dispose();
    }
}
