using System.Net;
using System.Text;
using System.Text.Json;

namespace Crossroads.Server.Tests.Infrastructure;

/// <summary>
/// What a client of the Python service does: plain HTTP, then read <c>dst</c>, <c>nh</c>, <c>status</c>,
/// <c>updated_routes</c> out of the JSON. No server types are used, so a contract change breaks these tests.
/// </summary>
public static class Api
{
    public sealed record Answer(HttpStatusCode Status, string? ContentType, JsonElement Json, string Body, HttpResponseMessage Response)
    {
        public int Code => (int)Status;

        public string? Dst => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("dst", out var v) ? v.GetString() : null;

        public string? Nh => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("nh", out var v) ? v.GetString() : null;

        public int UpdatedRoutes => Json.GetProperty("updated_routes").GetInt32();

        public override string ToString() => $"{Code} {Body}";
    }

    public static Task<Answer> GetAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Get, path, null);

    public static Task<Answer> PutAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Put, path, null);

    public static Task<Answer> PostJsonAsync(HttpClient client, string path, string json) => SendAsync(client, HttpMethod.Post, path, json);

    /// <summary><c>GET /destination/{ip}</c> with the text put into the path as given (callers encode if they want to).</summary>
    public static Task<Answer> LookupAsync(HttpClient client, string ip) => GetAsync(client, "/destination/" + ip);

    /// <summary><c>PUT /prefix/{prefix}/nh/{nh}/metric/{metric}[/match/{match}]</c>, the prefix with its slash encoded as a client would.</summary>
    public static Task<Answer> UpdateAsync(HttpClient client, string prefix, string nh, object metric, string? match = null) =>
        PutAsync(client, $"/prefix/{prefix.Replace("/", "%2F", StringComparison.Ordinal)}/nh/{nh}/metric/{metric}" + (match is null ? string.Empty : $"/match/{match}"));

    public static async Task<Answer> SendAsync(HttpClient client, HttpMethod method, string path, string? json)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        JsonElement element = default;
        if (body.Length > 0 && (body[0] == '{' || body[0] == '['))
        {
            element = JsonDocument.Parse(body).RootElement.Clone();
        }

        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, element, body, response);
    }

    /// <summary>Asserts a 200 lookup answer with exactly <c>dst</c> and <c>nh</c>.</summary>
    public static void AssertRoute(Answer answer, string dst, string nh)
    {
        ArgumentNullException.ThrowIfNull(answer);
        Assert.True(answer.Code == 200, $"expected 200 {dst} via {nh}, got {answer}");
        Assert.Equal("application/json", answer.ContentType);
        Assert.Equal(dst, answer.Dst);
        Assert.Equal(nh, answer.Nh);
    }

    /// <summary>Asserts a successful update of <paramref name="count"/> routes, in the Python service's shape.</summary>
    public static void AssertUpdated(Answer answer, int count)
    {
        ArgumentNullException.ThrowIfNull(answer);
        Assert.True(answer.Code == 200, $"expected 200 updating {count} routes, got {answer}");
        Assert.Equal("success", answer.Json.GetProperty("status").GetString());
        Assert.Equal(count, answer.UpdatedRoutes);
    }

    /// <summary>Asserts the shared problem+json shape: type/title/status/detail/instance/requestId, matching the X-Request-ID echo.</summary>
    public static JsonElement AssertProblem(Answer answer, int status)
    {
        ArgumentNullException.ThrowIfNull(answer);
        Assert.True(answer.Code == status, $"expected {status}, got {answer}");
        Assert.True(answer.ContentType == "application/problem+json", $"expected application/problem+json, got '{answer.ContentType}': {answer}");
        var json = answer.Json;
        Assert.StartsWith("https://crossroads.dev/problems/", json.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("title").GetString()));
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("detail").GetString()));
        Assert.StartsWith("/", json.GetProperty("instance").GetString());
        string? requestId = json.GetProperty("requestId").GetString();
        Assert.False(string.IsNullOrWhiteSpace(requestId));
        Assert.Equal(requestId, answer.Response.Headers.GetValues("X-Request-ID").Single());
        return json;
    }
}
