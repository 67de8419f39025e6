using System.Net;
using System.Text.Json;

namespace Crossroads.Server.Tests.Geocoder;

/// <summary>What an Addok client does: plain HTTP, JSON read by member name. No server types.</summary>
public static class Geo
{
    public sealed record Answer(HttpStatusCode Status, string? ContentType, JsonElement Json, string Body, HttpResponseMessage Response)
    {
        public int Code => (int)Status;

        public JsonElement[] Features => [.. Json.GetProperty("features").EnumerateArray()];

        public JsonElement Properties(int i) => Features[i].GetProperty("properties");

        public string? Header(string name) =>
            Response.Headers.TryGetValues(name, out var values) || Response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

        public override string ToString() => $"{Code} {Body}";
    }

    public static string[] Members(JsonElement element) => [.. element.EnumerateObject().Select(static p => p.Name)];

    public static async Task<Answer> GetAsync(HttpClient client, string path)
    {
        ArgumentNullException.ThrowIfNull(client);
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return await ReadAsync(response);
    }

    private static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        JsonElement json = default;
        if (text.Length > 0 && text[0] == '{')
        {
            json = JsonDocument.Parse(text).RootElement.Clone();
        }

        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, json, text, response);
    }

    /// <summary>POSTs <paramref name="body"/> as is, with <paramref name="contentType"/> (none when null).</summary>
    public static async Task<Answer> PostAsync(HttpClient client, string path, string body, string? contentType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(client);
        using var content = new StringContent(body);
        content.Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return await SendAsync(client, new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content });
    }

    public static async Task<Answer> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(client);
        using (request)
        {
            var response = await client.SendAsync(request);
            return await ReadAsync(response);
        }
    }

    /// <summary>Asserts an Addok error: problem+json with the status, Addok's <c>title</c> and, when given, <c>description</c>.</summary>
    public static void AssertError(Answer answer, int status, string title, string? description = null)
    {
        Assert.True(answer.Code == status, $"expected {status}, got {answer}");
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(title, answer.Json.GetProperty("title").GetString());
        if (description is not null)
        {
            Assert.Equal(description, answer.Json.GetProperty("description").GetString());
        }
    }
}
