// Bare Kestrel reference for GET /destination/{ip}: no middleware, no logging providers, a fixed JSON answer
// ({"dst":"1.0.167.0/24","nh":"192.168.2.1"}) written with Content-Length. Used by bench/load/compare-bare.sh.
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

await app.RunAsync().ConfigureAwait(false);
