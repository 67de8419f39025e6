using Crossroads.ServiceRoutes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// A store call made for a request: the result, or the problem that answers it instead (400 for arguments the store
/// refused, 503 with <c>Retry-After</c> when the database is unavailable or the breaker is open).
/// </summary>
internal static class StoreCall
{
    public static async Task<(T? Result, ProblemHttpResult? Problem)> RunAsync<T>(
        HttpContext context,
        ServiceRoutesRuntime runtime,
        Func<IServiceRouteStore, CancellationToken, Task<T>> call,
        CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return (await runtime.CallAsync(call, cancellationToken).ConfigureAwait(false), null);
        }
        catch (RouteValidationException e)
        {
            return (null, TrafficManagerProblems.Validation(e.Errors));
        }
        catch (DatabaseUnavailableException e)
        {
            return (null, TrafficManagerProblems.Unavailable(context, runtime.RetryAfterSeconds, e.Message));
        }
    }
}
