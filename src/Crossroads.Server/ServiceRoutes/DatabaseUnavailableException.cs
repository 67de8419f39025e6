namespace Crossroads.Server.ServiceRoutes;

/// <summary>The store failed or the breaker is open: the request answers 503 with <c>Retry-After</c>.</summary>
internal sealed class DatabaseUnavailableException(string message, Exception inner) : Exception(message, inner);
