using System.Diagnostics;
using System.Text.Json;
using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests.Operations;

/// <summary>
/// The built server's JSON console logs (Production): a line written during a request carries the request's ids in its
/// scopes. The request scope reaches the console through the logger factory's scope provider, not a per-request
/// <c>BeginScope</c>, so this checks the real formatter rather than a test capture.
/// </summary>
public sealed class JsonLogScopeProcessTests
{
    [Fact]
    public async Task A_log_line_of_a_lookup_carries_request_trace_and_span_ids_in_its_json_scopes()
    {
        const string requestId = "json-scope-check-7";
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        // The request's Debug completion line (event 1006) is written inside the request scope.
        await using var server = ChildServer.StartBundled(
            new Dictionary<string, string> { ["Logging__LogLevel__Crossroads.Hosting.Correlation.CorrelationMiddleware"] = "Debug" });
        await server.WaitUntilReadyAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/destination/1.0.167.1");
        request.Headers.Add("X-Request-ID", requestId);
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var response = await server.Client.SendAsync(request);

        // The console logger writes on a thread of its own: wait for the line.
        JsonElement[]? scopes = null;
        var waited = Stopwatch.StartNew();
        while (scopes is null && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            scopes = FindScopes(server.Stdout, requestId);
            if (scopes is null)
            {
                await Task.Delay(50);
            }
        }

        Assert.True(scopes is not null, $"no JSON line with event 1006 and RequestId {requestId}:\n{server.Stdout}");
        int requestScope = Array.FindIndex(scopes, s => s.TryGetProperty("RequestId", out _));
        var scope = scopes[requestScope];
        Assert.Equal(requestId, scope.GetProperty("RequestId").GetString());
        Assert.Equal(traceId, scope.GetProperty("TraceId").GetString());
        Assert.Matches("^[0-9a-f]{16}$", scope.GetProperty("SpanId").GetString());
        // Kestrel's connection scope is the outer one and comes first, as with BeginScope.
        int connection = Array.FindIndex(scopes, s => s.TryGetProperty("ConnectionId", out _));
        Assert.InRange(connection, 0, requestScope - 1);
    }

    /// <summary>The scopes (objects) of the first event-1006 line whose request scope holds <paramref name="requestId"/>, if written yet.</summary>
    private static JsonElement[]? FindScopes(string stdout, string requestId)
    {
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{') || !line.Contains(requestId, StringComparison.Ordinal))
            {
                continue;
            }

            var root = JsonDocument.Parse(line).RootElement;
            if (root.GetProperty("EventId").GetInt32() != 1006 || !root.TryGetProperty("Scopes", out var scopes))
            {
                continue;
            }

            var objects = scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).Select(s => s.Clone()).ToArray();
            if (objects.Any(s => s.TryGetProperty("RequestId", out var id) && id.GetString() == requestId))
            {
                return objects;
            }
        }

        return null;
    }
}
