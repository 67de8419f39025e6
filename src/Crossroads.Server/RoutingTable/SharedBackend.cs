using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Replication;
using Crossroads.Server.Database;
using Polly;
using Polly.CircuitBreaker;

namespace Crossroads.Server.RoutingTable;

/// <summary>
/// With PostgreSQL: updates are committed to the shared table, then applied here; every replica applies every commit.
/// Writes go through the database breaker; <c>table_version</c> is the shared revision.
/// </summary>
internal sealed class SharedBackend : IRoutingTableBackend
{
    private readonly ResiliencePipeline _breaker;
    private readonly int _retryAfterSeconds;

    public SharedBackend(SharedRouteTable shared, RoutingTableOptions options, TimeProvider time)
    {
        Shared = shared;
        _breaker = DatabaseBreaker.Create<SharedTableUnavailableException>(time, options.BreakerFailureRatio, options.BreakDuration);
        _retryAfterSeconds = DatabaseBreaker.RetryAfterSeconds(options.BreakDuration);
    }

    public SharedRouteTable Shared { get; }

    public RouteTable Table => Shared.Table;

    public long Version => Shared.Revision;

    public async Task<int> UpdateAsync(MetricUpdate update, CancellationToken cancellationToken)
    {
        try
        {
            return await _breaker.ExecuteAsync(
                static async (state, token) => await state.Shared.UpdateAsync(state.update, token).ConfigureAwait(false),
                (Shared, update),
                cancellationToken).ConfigureAwait(false);
        }
        catch (SharedTableUnavailableException e)
        {
            throw new UpdateNotAppliedException($"the update was not committed to the shared table and was not applied: {e.Message}", e, "database_unavailable", _retryAfterSeconds);
        }
        catch (ObjectDisposedException e)
        {
            // The database connections were closed by a shutdown that outlasted this request.
            throw new UpdateNotAppliedException($"the update was not applied: the server is shutting down ({e.Message})", e, "database_unavailable", _retryAfterSeconds);
        }
        catch (BrokenCircuitException e)
        {
            throw new UpdateNotAppliedException(
                "the update was not applied: the shared table's database is unavailable (circuit open after repeated failures)", e, "database_unavailable", _retryAfterSeconds);
        }
    }

    public ValueTask DisposeAsync() => Shared.DisposeAsync();
}
