namespace Crossroads.ServiceRoutes.Storage;

/// <summary>A validated write, as the providers receive it.</summary>
internal sealed record WriteRequest(WriteKind Kind, RouteKey Key, string? Url, string Actor, string? CorrelationId, long? ExpectedRevision);
