using Crossroads.Hosting.Auth;

namespace Crossroads.Hosting.RateLimiting;

/// <summary>One budget: a client (API key name, else remote address, IPv6 by /64) for reads or for writes under one module's policy (0: the chassis default).</summary>
internal readonly record struct RateLimitPartitionKey(int Policy, AccessKind Kind, string Client);
