using System.Net;
using System.Text;
using System.Text.Json;

namespace Crossroads.Server.Tests.ServiceRoutes;

/// <summary>
/// What a Traffic Manager client does: plain HTTP, JSON read by member name. No server types, so a contract change
/// breaks these tests.
/// </summary>
public static class Tm
{
    public sealed record Answer(HttpStatusCode Status, string? ContentType, JsonElement Json, string Body, HttpResponseMessage Response)
    {
        public int Code => (int)Status;

        public string? Str(string name) => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        public long Long(string name) => Json.GetProperty(name).GetInt64();

        public string? Header(string name) =>
            Response.Headers.TryGetValues(name, out var values) || Response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

        public string[] Members => Json.ValueKind == JsonValueKind.Object ? [.. Json.EnumerateObject().Select(static p => p.Name)] : [];

        public override string ToString() => $"{Code} {Body}";
    }

    public static string Route(string tenant, string service, string env, string version, string url) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["tenant"] = tenant, ["service"] = service, ["env"] = env, ["version"] = version, ["url"] = url });

    public static string Key(string tenant, string service, string env, string version) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["tenant"] = tenant, ["service"] = service, ["env"] = env, ["version"] = version });

    public static Task<Answer> ResolveAsync(HttpClient client, string tenant, string service, string env, string? version, string? key = null) =>
        SendAsync(client, HttpMethod.Get, $"/api/v1/routes/resolve?tenant={tenant}&service={service}&env={env}" + (version is null ? "" : $"&version={version}") + (key is null ? "" : $"&key={key}"));

    public static Task<Answer> UpsertAsync(HttpClient client, string tenant, string service, string env, string version, string url, params (string Name, string Value)[] headers) =>
        SendAsync(client, HttpMethod.Post, "/api/v1/routes", Route(tenant, service, env, version, url), headers: headers);

    public static Task<Answer> ActivateAsync(HttpClient client, string tenant, string service, string env, string version) =>
        SendAsync(client, HttpMethod.Post, "/api/v1/routes/activate", Key(tenant, service, env, version));

    public static Task<Answer> DeactivateAsync(HttpClient client, string tenant, string service, string env, string version) =>
        SendAsync(client, HttpMethod.Post, "/api/v1/routes/deactivate", Key(tenant, service, env, version));

    public static Task<Answer> GetAsync(HttpClient client, string path, params (string Name, string Value)[] headers) =>
        SendAsync(client, HttpMethod.Get, path, headers: headers);

    public static async Task<Answer> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null, string contentType = "application/json", params (string Name, string Value)[] headers)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonElement json = default;
        if (text.Length > 0 && (text[0] == '{' || text[0] == '['))
        {
            json = JsonDocument.Parse(text).RootElement.Clone();
        }

        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, json, text, response);
    }

    /// <summary>Sends <paramref name="body"/>'s bytes as they are (ISO-8859-1: each char one byte, for bytes that are not UTF-8).</summary>
    public static async Task<Answer> SendLatin1Async(HttpClient client, HttpMethod method, string path, string body)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(Encoding.Latin1.GetBytes(body)) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonElement json = text.Length > 0 && text[0] == '{' ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, json, text, response);
    }

    /// <summary>Asserts a Traffic Manager error: problem+json with the status, <c>error</c> and a <c>message</c>.</summary>
    public static void AssertError(Answer answer, int status, string error)
    {
        Assert.True(answer.Code == status, $"expected {status}, got {answer}");
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(error, answer.Str("error"));
        Assert.False(string.IsNullOrEmpty(answer.Str("message")), answer.Body);
        Assert.Equal(status, answer.Json.GetProperty("status").GetInt32());
        Assert.Equal(answer.Str("message"), answer.Str("detail"));
    }
}
