using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Crossroads.Hosting.Errors;

/// <summary>Writes a chassis-generated error (401, 403, 413, 414, 429) through the shared problem writer.</summary>
internal static class ProblemResponses
{
    public static Task WriteAsync(HttpContext context, int status, string detail) =>
        WriteAsync(context.RequestServices.GetRequiredService<IProblemDetailsService>(), context, status, detail);

    /// <summary>With the (singleton) service already at hand: resolving it creates the request's service scope.</summary>
    public static async Task WriteAsync(IProblemDetailsService service, HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        await service.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Detail = detail },
        }).ConfigureAwait(false);
    }
}
