// Bare Kestrel reference for GET /destination/{ip} and GET /api/v1/routes/resolve: no middleware, no logging
// providers, a fixed JSON answer of the same shape written with Content-Length. Used by bench/load/compare-bare.sh
// and bench/load/service-routes.sh.
using System.Text;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(static options => options.AddServerHeader = false);
var app = builder.Build();

byte[] body = Encoding.UTF8.GetBytes("""{"dst":"1.0.167.0/24","nh":"192.168.2.1"}""");
app.MapGet("/destination/{**ip}", (HttpContext context, string ip) =>
{
    _ = ip; // bound like a real handler would, not used
    var response = context.Response;
    response.ContentType = "application/json; charset=utf-8";
    response.ContentLength = body.Length;
    return response.Body.WriteAsync(body).AsTask();
});

byte[] resolved = Encoding.UTF8.GetBytes("""{"tenant":"t17","service":"s1234","env":"prod","version":"v1","url":"http://s1234.t17.svc.cluster.local:8080"}""");
app.MapGet("/api/v1/routes/resolve", (HttpContext context) =>
{
    // Read the four parameters like a real handler would, not used.
    var query = context.Request.Query;
    _ = (query["tenant"], query["service"], query["env"], query["version"]);
    var response = context.Response;
    response.ContentType = "application/json; charset=utf-8";
    response.ContentLength = resolved.Length;
    return response.Body.WriteAsync(resolved).AsTask();
});

await app.RunAsync().ConfigureAwait(false);
