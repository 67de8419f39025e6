namespace Crossroads.ServiceRoutes.Storage;

/// <summary>A validated write waiting for the store's writer loop; completes with a <see cref="RouteWriteResult"/> or a <see cref="SplitWriteResult"/>.</summary>
internal sealed record QueuedWrite(WriteRequest Request, TaskCompletionSource<object> Completion, CancellationToken CancellationToken);
