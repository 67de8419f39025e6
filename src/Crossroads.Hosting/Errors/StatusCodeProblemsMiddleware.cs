using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Crossroads.Hosting.Errors;

/// <summary>
/// What <c>UseStatusCodePages()</c> did for us: an error status (400-599) left without a body (404, 405, 504,
/// Kestrel's own) is answered with a problem through the problem service. It honours the same opt-outs
/// (<see cref="IStatusCodePagesFeature.Enabled"/>, <see cref="ISkipStatusCodePagesMetadata"/>). The framework's
/// middleware (.NET 10) also stores its path format in <see cref="HttpContext.Items"/> on every request, which
/// creates the Items dictionary (~250 bytes per request with the feature), for re-execution we do not use.
/// </summary>
internal sealed class StatusCodeProblemsMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var feature = new StatusCodePagesFeature();
        context.Features.Set<IStatusCodePagesFeature>(feature);
        await next(context).ConfigureAwait(false);

        var response = context.Response;
        if (!feature.Enabled
            || response.HasStarted
            || response.StatusCode is < 400 or >= 600
            || response.ContentLength.HasValue
            || !string.IsNullOrEmpty(response.ContentType)
            || context.GetEndpoint()?.Metadata.GetMetadata<ISkipStatusCodePagesMetadata>() is not null)
        {
            return;
        }

        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = response.StatusCode },
        }).ConfigureAwait(false);
    }
}
