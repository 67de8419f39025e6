namespace Crossroads.ServiceRoutes.Storage;

/// <summary>What an idempotency key is unique in: the actor's own keys (two actors never see each other's).</summary>
internal readonly record struct IdempotencyScope(string Actor, string Key);
