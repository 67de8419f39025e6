using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>Raw HTTP helpers: post JSON, read JSON, split SSE and NDJSON bodies.</summary>
internal static class Json
{
    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body) =>
        client.PostAsync(new Uri(path, UriKind.Relative), JsonContent.Create(body));

    /// <summary>Posts a chat body to <c>/v1/chat/completions</c> and returns once the headers arrived, the body still streaming.</summary>
    public static async Task<HttpResponseMessage> PostStreamAsync(HttpClient client, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative)) { Content = JsonContent.Create(body) };
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>A chat completion billed to <paramref name="tenant"/> (the <c>X-Crossroads-Tenant</c> header of clients without a key).</summary>
    public static async Task<HttpResponseMessage> PostAsTenantAsync(HttpClient client, string tenant, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Crossroads-Tenant", tenant);
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, string body, string contentType = "application/json") =>
        client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, contentType));

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await ReadAsync(response);
    }

    /// <summary>The <c>data:</c> payloads of an SSE body, in order.</summary>
    public static List<string> SseData(string body) =>
        [.. body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(static e => e.StartsWith("data: ", StringComparison.Ordinal) ? e["data: ".Length..] : throw new InvalidOperationException("not an SSE data event: " + e))];

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.First() : throw new InvalidOperationException($"no {name} header");

    public static Dictionary<string, object?> Chat(string model, string prompt, bool stream = false, object? crossroads = null, string[]? models = null, int? maxTokens = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = model,
            ["messages"] = new[] { new { role = "user", content = prompt } },
            ["stream"] = stream,
        };
        if (stream)
        {
            body["stream_options"] = new { include_usage = true };
        }

        if (crossroads is not null)
        {
            body["crossroads"] = crossroads;
        }

        if (models is not null)
        {
            body["models"] = models;
        }

        if (maxTokens is not null)
        {
            body["max_tokens"] = maxTokens;
        }

        return body;
    }
}
