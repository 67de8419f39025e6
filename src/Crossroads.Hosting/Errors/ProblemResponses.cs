using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Crossroads.Hosting.Errors;

/// <summary>Writes a chassis-generated error (401, 403, 413, 414, 429) through the shared problem writer.</summary>
internal static class ProblemResponses
{
    public static async Task WriteAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await service.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Detail = detail },
        }).ConfigureAwait(false);
    }
}
