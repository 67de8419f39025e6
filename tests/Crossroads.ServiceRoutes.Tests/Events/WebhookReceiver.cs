using System.Net;
using System.Text;

namespace Crossroads.ServiceRoutes.Tests.Events;

/// <summary>
/// A real HTTP endpoint for webhook deliveries (<see cref="HttpListener"/> on a free loopback port: this domain test
/// project has no ASP.NET Core). It records every request and answers with the status <c>respond</c> picks for the
/// n-th request (1-based).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<int, int> _respond;
    private readonly List<(ReceivedEvent Request, int Status)> _requests = [];
    private readonly Task _loop;

    public WebhookReceiver(Func<int, int> respond)
    {
        _respond = respond;
        int port = FreePort.OnLoopback();
        Url = $"http://127.0.0.1:{port}/hooks/routes";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/hooks/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    /// <summary>Every request in arrival order, with the status it was answered with.</summary>
    public IReadOnlyList<(ReceivedEvent Request, int Status)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop;
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync();
            }

            var headers = context.Request.Headers.AllKeys
                .Where(k => k is not null)
                .ToDictionary(k => k!.ToLowerInvariant(), k => context.Request.Headers[k] ?? "", StringComparer.Ordinal);
            headers["method"] = context.Request.HttpMethod;
            headers["path"] = context.Request.Url?.AbsolutePath ?? "";
            int status;
            lock (_requests)
            {
                status = _respond(_requests.Count + 1);
                _requests.Add((new ReceivedEvent(headers.GetValueOrDefault("x-crossroads-event-id", ""), "", body, headers), status));
            }

            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }
}
