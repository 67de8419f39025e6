// Crossroads container health probe: GET one URL, exit 0 on a 2xx answer, 1 otherwise.
//
// Usage: dotnet Crossroads.HealthProbe.dll [url]
//   url defaults to $HEALTHCHECK_URL, else http://127.0.0.1:<port>/health/ready where <port> is the first
//   of $ASPNETCORE_HTTP_PORTS (what the image listens on), else $PORT, else 8080.
//   $HEALTHCHECK_TIMEOUT_SECONDS (default 3) bounds the whole request.
// Proxies are ignored on purpose: HTTP_PROXY in the container must not redirect a loopback probe.
using System.Globalization;

var url = args.Length > 0 ? args[0] : DefaultUrl();
var timeout = TimeSpan.FromSeconds(ReadInt("HEALTHCHECK_TIMEOUT_SECONDS", 3));

using var handler = new SocketsHttpHandler { UseProxy = false, ConnectTimeout = timeout };
using var client = new HttpClient(handler) { Timeout = timeout };
try
{
    using var response = await client.GetAsync(new Uri(url), HttpCompletionOption.ResponseHeadersRead)
        .ConfigureAwait(false);
    var status = (int)response.StatusCode;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{url} -> {status}"));
    return response.IsSuccessStatusCode ? 0 : 1;
}
catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException or NotSupportedException
    or InvalidOperationException)
{
    await Console.Error.WriteLineAsync($"{url} -> {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
    return 1;
}

static string DefaultUrl()
{
    var configured = Environment.GetEnvironmentVariable("HEALTHCHECK_URL");
    if (!string.IsNullOrWhiteSpace(configured))
    {
        return configured;
    }

    var httpPorts = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS");
    var firstPort = httpPorts?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .FirstOrDefault();
    var port = ParsePort(firstPort) ?? ParsePort(Environment.GetEnvironmentVariable("PORT")) ?? 8080;
    return string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/health/ready");
}

static int ReadInt(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
        && value > 0
        ? value
        : fallback;

static int? ParsePort(string? text) =>
    int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 65535
        ? value
        : null;
