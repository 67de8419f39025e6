namespace Crossroads.ServiceRoutes.Storage;

/// <summary>A validated write waiting for the store's writer loop.</summary>
internal sealed record QueuedWrite(WriteRequest Request, TaskCompletionSource<RouteWriteResult> Completion, CancellationToken CancellationToken);
