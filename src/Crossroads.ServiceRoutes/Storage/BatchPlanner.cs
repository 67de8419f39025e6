namespace Crossroads.ServiceRoutes.Storage;

/// <summary>Decides a write batch from the state read under the write lock (see <see cref="WritePlanner.PlanBatch"/>).</summary>
internal delegate BatchPlan BatchPlanner(BatchState state);
