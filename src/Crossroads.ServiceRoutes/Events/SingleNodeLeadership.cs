namespace Crossroads.ServiceRoutes.Events;

/// <summary>The leadership of a single-node store (SQLite): the one relay always leads.</summary>
public sealed class SingleNodeLeadership : IRelayLeadership
{
    /// <inheritdoc/>
    public Task<bool> EnsureAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
