namespace Crossroads.RoutingTable.Replication;

/// <summary>The base table the shared table was started from, as the first replica recorded it.</summary>
/// <param name="TableHash">The <see cref="TableFingerprint"/> of its routes and MAX_METRIC.</param>
/// <param name="Routes">Its route count.</param>
/// <param name="MaxMetric">Its MAX_METRIC.</param>
/// <param name="RoutesFile">The routes file the first replica loaded (for the error message only).</param>
/// <param name="RecordedAt">When it was recorded.</param>
public sealed record RecordedBase(string TableHash, int Routes, int MaxMetric, string RoutesFile, DateTimeOffset RecordedAt);
