using Crossroads.Hosting.Auth;

namespace Crossroads.Hosting.RateLimiting;

/// <summary>One budget: a client (API key name, else remote address, IPv6 by /64) for reads or for writes.</summary>
internal readonly record struct RateLimitPartitionKey(AccessKind Kind, string Client);
