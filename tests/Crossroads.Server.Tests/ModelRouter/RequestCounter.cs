namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>An HTTP handler that counts the requests going through it and keeps their statuses (a client's retries become visible).</summary>
public sealed class RequestCounter() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<int> _statuses = new();

    public int Count => _statuses.Count;

    public IReadOnlyList<int> Statuses => [.. _statuses];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        _statuses.Enqueue((int)response.StatusCode);
        return response;
    }
}
