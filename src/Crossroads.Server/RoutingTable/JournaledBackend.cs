using Crossroads.RoutingTable;

namespace Crossroads.Server.RoutingTable;

/// <summary>Without PostgreSQL: each replica journals (fsync) the updates it receives; <c>table_version</c> counts them since start.</summary>
internal sealed class JournaledBackend(DurableRouteTable durable) : IRoutingTableBackend
{
    public DurableRouteTable Durable { get; } = durable;

    public RouteTable Table => Durable.Table;

    public long Version => Durable.Table.Current.Version;

    public Task<int> UpdateAsync(MetricUpdate update, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(Durable.Update(update));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // ObjectDisposedException: the journal was closed by a shutdown that outlasted this request.
            throw new UpdateNotAppliedException($"the update could not be made durable and was not applied: {e.Message}", e, "journal_write", retryAfterSeconds: null);
        }
    }

    public ValueTask DisposeAsync()
    {
        Durable.Dispose();
        return ValueTask.CompletedTask;
    }
}
