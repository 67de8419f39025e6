namespace Crossroads.ServiceRoutes.Events;

/// <summary>A snapshot of an <see cref="OutboxRelay"/> for health checks and diagnostics.</summary>
/// <param name="IsLeader">Whether this relay currently delivers (false on a replica that waits for the leadership).</param>
/// <param name="Delivered">Events delivered (to every sink) and acknowledged in the store since start.</param>
/// <param name="Failures">Failed attempts since start (a batch failing three times counts three).</param>
/// <param name="ConsecutiveFailures">Failed attempts since the last success; 0 when healthy.</param>
/// <param name="LastDeliveredRevision">The highest revision delivered since start; 0 before the first.</param>
/// <param name="LastError">The message of the last failure, or null.</param>
/// <param name="LastErrorAt">When the last failure happened, or null.</param>
public sealed record OutboxRelayStatus(
    bool IsLeader,
    long Delivered,
    long Failures,
    int ConsecutiveFailures,
    long LastDeliveredRevision,
    string? LastError,
    DateTimeOffset? LastErrorAt);
