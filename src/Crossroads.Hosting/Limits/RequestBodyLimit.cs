using Microsoft.AspNetCore.Http.Metadata;

namespace Crossroads.Hosting;

/// <summary>
/// An endpoint's own body limit in place of <c>Limits:MaxRequestBodySize</c> (null: none), honoured by the chassis'
/// 413 check and Kestrel: <c>app.MapPost("/upload", ...).WithMetadata(new RequestBodyLimit(256 &lt;&lt; 20))</c>.
/// </summary>
/// <param name="MaxRequestBodySize">The largest body in bytes, or null for no limit.</param>
public sealed record RequestBodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
