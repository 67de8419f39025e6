namespace Crossroads.ServiceRoutes.Storage;

/// <summary>What a write batch does: one result per request (in request order), the changes to write, the final revision.</summary>
internal sealed record BatchPlan(RouteWriteResult[] Results, List<PendingChange> Changes, long Revision);
