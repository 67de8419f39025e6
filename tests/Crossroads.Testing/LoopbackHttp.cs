using System.Net;

namespace Crossroads.Testing;

/// <summary>HTTP clients for servers the tests run on loopback, in process or as child processes.</summary>
public static class LoopbackHttp
{
    /// <summary>How long a client waits for one answer, and a server for readiness, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public static Uri BaseAddress(int port) => new($"http://127.0.0.1:{port}");

    /// <summary>
    /// A client that talks to the server directly: no proxy (a developer's <c>HTTP_PROXY</c> must not carry loopback
    /// traffic) and no redirects followed (tests assert redirects themselves).
    /// </summary>
    public static HttpClient NewClient(Uri baseAddress) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = baseAddress, Timeout = DefaultTimeout };

    /// <summary>
    /// Polls <paramref name="path"/> every 20 ms until it answers 200. Refused connections count as "not yet" (a
    /// child process may not be listening yet). Throws <see cref="InvalidOperationException"/> as soon as
    /// <paramref name="gaveUp"/> says the server is gone, and <see cref="TimeoutException"/> after <paramref name="timeout"/>.
    /// </summary>
    public static async Task WaitUntilOkAsync(HttpClient client, string path, TimeSpan timeout, Func<bool>? gaveUp = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var uri = new Uri(path, UriKind.Relative);
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(uri).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (gaveUp?.Invoke() == true)
            {
                throw new InvalidOperationException("the server stopped before it became ready");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the server did not answer 200 on {path} within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }
}
