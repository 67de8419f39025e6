using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crossroads.Server.Tests.Geocoder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Microsoft.Extensions.DependencyInjection;

namespace Crossroads.Server.Tests.ApiDocs;

/// <summary>The default server (every module on its bundled data), its OpenAPI document read once.</summary>
public sealed class ApiDocumentFixture : IAsyncLifetime
{
    public GeocoderServer Server { get; private set; } = null!;

    public JsonDocument Document { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await GeocoderServer.StartAsync();
        Document = JsonDocument.Parse(await Server.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
    }

    public async Task DisposeAsync()
    {
        Document.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>
/// The OpenAPI document against the server that publishes it: every endpoint is in it, every operation says what it
/// answers (errors as problem+json), the documented example of every operation is accepted with a documented status
/// and media type, and a request without a parameter the document calls required is refused.
/// </summary>
public sealed partial class ApiDocumentTests(ApiDocumentFixture fixture) : IClassFixture<ApiDocumentFixture>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    // Statuses that say the request itself was wrong: a documented example must never get one.
    private static readonly HashSet<int> MalformedStatuses = [400, 405, 411, 413, 414, 415, 422];

    [Fact]
    public void Every_endpoint_of_every_module_is_an_operation_of_the_document()
    {
        var documented = Operations().Select(static o => (o.Method, o.Path)).ToHashSet();
        var missing = new List<string>();
        int endpoints = 0;
        foreach (var endpoint in fixture.Server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true }
                || endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is not { Count: > 0 } methods)
            {
                continue;
            }

            string path = OpenApiPath(endpoint.RoutePattern.RawText ?? string.Empty);
            foreach (string method in methods.Where(static m => m != HttpMethods.Options && m != HttpMethods.Head))
            {
                endpoints++;
                if (!documented.Contains((method.ToLowerInvariant(), path)))
                {
                    missing.Add($"{method} {path}");
                }
            }
        }

        Assert.True(endpoints >= 30, $"only {endpoints} endpoints found");
        Assert.True(missing.Count == 0, "not in /openapi/v1.json: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_document_reads_and_validates_as_OpenAPI()
    {
        string json = fixture.Document.RootElement.GetRawText();
        var read = OpenApiDocument.Parse(json, "json");
        Assert.NotNull(read.Document);
        Assert.True(read.Diagnostic is null || read.Diagnostic.Errors.Count == 0, "read: " + string.Join('\n', read.Diagnostic?.Errors.Select(static e => $"{e.Pointer}: {e.Message}") ?? []));
        var errors = read.Document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToArray() ?? [];
        Assert.True(errors.Length == 0, "validation: " + string.Join('\n', errors.Select(static e => $"{e.Pointer}: {e.Message}")));
        Assert.True(read.Document.Paths.Count >= 25, $"only {read.Document.Paths.Count} paths");
    }

    [Fact]
    public void Every_operation_documents_a_success_and_its_errors_as_problem_json()
    {
        var failures = new List<string>();
        foreach (var operation in Operations())
        {
            var statuses = operation.Responses.Keys.Select(int.Parse).ToArray();
            if (!statuses.Any(static s => s is >= 200 and < 300))
            {
                failures.Add($"{operation}: no 2xx answer");
            }

            var errors = operation.Responses.Where(static r => int.Parse(r.Key) >= 400).ToArray();
            if (errors.Length == 0)
            {
                failures.Add($"{operation}: no error answer");
            }

            // The one exception: the Python service's /health answers 503 with its own JSON, which its clients read.
            failures.AddRange(errors.Where(r => r.Value.Count > 0 && !r.Value.Contains("application/problem+json") && operation.Path != "/health")
                .Select(r => $"{operation}: {r.Key} is not problem+json ({string.Join(", ", r.Value)})"));
            if (string.IsNullOrWhiteSpace(operation.Summary))
            {
                failures.Add($"{operation}: no summary");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task The_documented_example_of_every_operation_is_answered_with_a_documented_status_and_media_type()
    {
        var failures = new List<string>();
        int sent = 0;
        foreach (var operation in Operations())
        {
            if (operation.Parameters.Any(static p => p.Required && p.Example is null) || operation.Body is { Required: true, Example: null })
            {
                failures.Add($"{operation}: a required parameter or body has no example");
                continue;
            }

            using var request = BuildRequest(operation, leaveOut: null);
            using var response = await fixture.Server.Client.SendAsync(request);
            sent++;
            int status = (int)response.StatusCode;
            string body = await response.Content.ReadAsStringAsync();
            string? mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!operation.Responses.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var mediaTypes))
            {
                failures.Add($"{operation}: example answered {status}, not documented ({Shorten(body)})");
            }
            else if (MalformedStatuses.Contains(status) || status >= 500)
            {
                failures.Add($"{operation}: example refused with {status} ({Shorten(body)})");
            }
            else if (mediaTypes.Count > 0 && (mediaType is null || !mediaTypes.Contains(mediaType)))
            {
                failures.Add($"{operation}: {status} came as {mediaType ?? "no content"}, documented {string.Join(", ", mediaTypes)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(sent >= 30, $"only {sent} examples sent");
    }

    [Fact]
    public async Task Leaving_out_a_required_query_parameter_is_refused_with_a_documented_problem()
    {
        var failures = new List<string>();
        int sent = 0;
        foreach (var operation in Operations())
        {
            foreach (var parameter in operation.Parameters.Where(static p => p.Required && p.In == "query"))
            {
                using var request = BuildRequest(operation, leaveOut: parameter.Name);
                using var response = await fixture.Server.Client.SendAsync(request);
                sent++;
                int status = (int)response.StatusCode;
                if (status is < 400 or >= 500 || !operation.Responses.ContainsKey(status.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{operation} without '{parameter.Name}': {status} {response.Content.Headers.ContentType?.MediaType} ({Shorten(await response.Content.ReadAsStringAsync())})");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(sent >= 5, $"only {sent} required query parameters documented");
    }

    private HttpRequestMessage BuildRequest(Operation operation, string? leaveOut)
    {
        string path = operation.Path;
        var query = new StringBuilder();
        var request = new HttpRequestMessage(new HttpMethod(operation.Method.ToUpperInvariant()), (Uri?)null);
        foreach (var parameter in operation.Parameters.Where(p => p.Example is not null && p.Name != leaveOut))
        {
            switch (parameter.In)
            {
                case "path":
                    // Slashes stay: a catch-all segment (the routing table's /prefix/{path}) takes them as they are.
                    path = path.Replace("{" + parameter.Name + "}", Uri.EscapeDataString(parameter.Example!).Replace("%2F", "/", StringComparison.Ordinal), StringComparison.Ordinal);
                    break;
                case "query":
                    query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(parameter.Name)).Append('=').Append(Uri.EscapeDataString(parameter.Example!));
                    break;
                case "header":
                    request.Headers.TryAddWithoutValidation(parameter.Name, parameter.Example);
                    break;
            }
        }

        request.RequestUri = new Uri(path + query, UriKind.Relative);
        if (operation.Body is { Example: { } example } body)
        {
            request.Content = body.ContentType.StartsWith("multipart/", StringComparison.Ordinal) ? Multipart(example) : new StringContent(example, Encoding.UTF8, body.ContentType);
        }

        return request;
    }

    // The multipart example format of ApiBody: one part per line, "name=value", or "name@file.csv=content" for a
    // file part whose content writes line breaks as \n.
    private static MultipartFormDataContent Multipart(string example)
    {
        var content = new MultipartFormDataContent();
        foreach (string line in example.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            string name = line[..equals];
            string value = line[(equals + 1)..];
            int at = name.IndexOf('@', StringComparison.Ordinal);
            if (at < 0)
            {
                content.Add(new StringContent(value), name);
            }
            else
            {
                content.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(value.Replace("\\n", "\n", StringComparison.Ordinal))), name[..at], name[(at + 1)..]);
            }
        }

        return content;
    }

    private IEnumerable<Operation> Operations()
    {
        foreach (var path in fixture.Document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject().Where(static m => Methods.Contains(m.Name)))
            {
                yield return Operation.From(path.Name, method.Name, method.Value);
            }
        }
    }

    // A route pattern as OpenAPI writes it: {**ip} → {ip}, constraints and defaults dropped.
    private static string OpenApiPath(string pattern) => "/" + RouteParameter().Replace(pattern.TrimStart('/'), "{$1}");

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    [GeneratedRegex(@"\{\**([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    private sealed record Parameter(string Name, string In, bool Required, string? Example);

    private sealed record Body(string ContentType, bool Required, string? Example);

    private sealed record Operation(string Path, string Method, string? Summary, IReadOnlyList<Parameter> Parameters, Body? Body, IReadOnlyDictionary<string, IReadOnlyList<string>> Responses)
    {
        public static Operation From(string path, string method, JsonElement element)
        {
            var parameters = element.TryGetProperty("parameters", out var list)
                ? list.EnumerateArray().Select(static p => new Parameter(
                    p.GetProperty("name").GetString()!,
                    p.GetProperty("in").GetString()!,
                    p.TryGetProperty("required", out var required) && required.GetBoolean(),
                    p.TryGetProperty("example", out var example) ? (example.ValueKind == JsonValueKind.String ? example.GetString() : example.GetRawText()) : null)).ToArray()
                : [];
            Body? body = null;
            if (element.TryGetProperty("requestBody", out var requestBody))
            {
                var media = requestBody.GetProperty("content").EnumerateObject().First();
                string? example = media.Value.TryGetProperty("example", out var e) ? (e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()) : null;
                body = new Body(media.Name, requestBody.TryGetProperty("required", out var r) && r.GetBoolean(), example);
            }

            var responses = element.TryGetProperty("responses", out var answers)
                ? answers.EnumerateObject().ToDictionary(
                    static a => a.Name,
                    static a => (IReadOnlyList<string>)(a.Value.TryGetProperty("content", out var content) ? content.EnumerateObject().Select(static c => c.Name).ToArray() : []))
                : [];
            return new Operation(path, method, element.TryGetProperty("summary", out var summary) ? summary.GetString() : null, parameters, body, responses);
        }

        public override string ToString() => $"{Method.ToUpperInvariant()} {Path}";
    }
}
