namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// An adapter to one upstream (a provider protocol at one address). Always streams: the router decides whether the
/// client sees a stream. Throws <see cref="ProviderException"/> on failure, at the call or while enumerating;
/// cancelling the token aborts the upstream request at once.
/// </summary>
public interface IModelProvider
{
    /// <summary>The upstream's id (configuration <c>Upstreams:N:Id</c>).</summary>
    string Id { get; }

    /// <summary>The request features this kind of upstream serves; the planner excludes its models for requests that need others.</summary>
    RequestFeatures Capabilities { get; }

    /// <summary>Streams the answer of <paramref name="model"/> (the upstream's name for it) to <paramref name="request"/>.</summary>
    IAsyncEnumerable<CompletionEvent> StreamAsync(string model, ProviderRequest request, CancellationToken cancellationToken);
}
