namespace Crossroads.ModelRouting.Providers;

/// <summary>A successful upstream answer being read: its body as text, and whether it is a whole JSON body rather than an event stream.</summary>
internal sealed class UpstreamAnswer(string upstream, HttpResponseMessage response, StreamReader reader) : IDisposable
{
    /// <summary>The body.</summary>
    public StreamReader Reader => reader;

    /// <summary>True when the upstream answered one JSON body (servers that ignore <c>stream</c>) instead of events.</summary>
    public bool IsWholeJson => response.Content.Headers.ContentType?.MediaType is "application/json";

    /// <summary>Reads a whole JSON body.</summary>
    public async Task<string> ReadWholeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new ProviderException(ProviderFailureKind.Connection, $"upstream '{upstream}' body broke: {e.Message}", inner: e);
        }
    }

    /// <summary>Closes the body and the response (aborting the upstream request when it is not finished).</summary>
    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
    }
}
