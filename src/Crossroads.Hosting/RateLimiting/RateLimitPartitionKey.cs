using Crossroads.Hosting.Auth;

namespace Crossroads.Hosting.RateLimiting;

/// <summary>
/// One budget: a client for reads or for writes under one policy (0: the chassis default; module i: i + 1). The client
/// is its API key name when it presented a valid key and the policy partitions by client, else its address as
/// <see cref="ClientKey.Bits"/> (IPv6 by /64). No strings are built per request: the partitioned limiter looks this
/// key up on every request.
/// </summary>
internal readonly record struct RateLimitPartitionKey(int Policy, AccessKind Kind, string? KeyName, UInt128 Address);
