using System.Globalization;
using System.Text.Json.Nodes;
using Crossroads.Hosting;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.OpenApi;

namespace Crossroads.Server.ApiDocs;

/// <summary>
/// Completes the generated OpenAPI document from the endpoints themselves: every routed endpoint not excluded from
/// description gets an operation (plain <see cref="RequestDelegate"/> handlers have none from the generator), with
/// its name, summary and module tag, and what its <see cref="ApiDoc"/> says: parameters, request body, answers.
/// </summary>
internal sealed class ApiDocTransformer : IOpenApiDocumentTransformer
{
    internal const string ProblemSchemaName = "Problem";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var endpoints = context.ApplicationServices.GetRequiredService<EndpointDataSource>().Endpoints;
        document.Paths ??= [];
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true }
                || endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is not { Count: > 0 } methods)
            {
                continue;
            }

            string path = DocumentPath(endpoint.RoutePattern);
            if (!document.Paths.TryGetValue(path, out var found) || found is not OpenApiPathItem item)
            {
                item = new OpenApiPathItem();
                document.Paths[path] = item;
            }

            var doc = endpoint.Metadata.GetMetadata<ApiDoc>();
            foreach (string method in methods)
            {
                if (method == HttpMethods.Options || method == HttpMethods.Head)
                {
                    continue;
                }

                var httpMethod = new HttpMethod(method);
                item.Operations ??= [];
                if (!item.Operations.TryGetValue(httpMethod, out var operation))
                {
                    operation = NewOperation(document, endpoint);
                    item.Operations[httpMethod] = operation;
                }

                if (doc is not null)
                {
                    Apply(document, operation, doc);
                }

                ApplyChassis(document, operation, endpoint);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The OpenAPI path of a route pattern: parameters as <c>{name}</c>, without catch-all stars or constraints.</summary>
    internal static string DocumentPath(RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(static segment => string.Concat(segment.Parts.Select(static part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => string.Empty,
        })));
        return "/" + string.Join('/', segments);
    }

    private static OpenApiOperation NewOperation(OpenApiDocument document, RouteEndpoint endpoint)
    {
        var operation = new OpenApiOperation
        {
            OperationId = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName,
            Summary = endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary,
            Description = endpoint.Metadata.GetMetadata<IEndpointDescriptionMetadata>()?.Description,
        };
        foreach (string tag in endpoint.Metadata.GetOrderedMetadata<ITagsMetadata>().SelectMany(static t => t.Tags).Distinct())
        {
            document.Tags ??= new HashSet<OpenApiTag>();
            if (!document.Tags.Any(t => t.Name == tag))
            {
                document.Tags.Add(new OpenApiTag { Name = tag });
            }

            operation.Tags ??= new HashSet<OpenApiTagReference>();
            operation.Tags.Add(new OpenApiTagReference(tag, document));
        }

        return operation;
    }

    private static void Apply(OpenApiDocument document, OpenApiOperation operation, ApiDoc doc)
    {
        operation.Parameters ??= [];
        foreach (var parameter in doc.Parameters)
        {
            var location = parameter.In switch
            {
                ApiParameterLocation.Path => ParameterLocation.Path,
                ApiParameterLocation.Header => ParameterLocation.Header,
                _ => ParameterLocation.Query,
            };
            var existing = operation.Parameters.FirstOrDefault(p => p.Name == parameter.Name && p.In == location);
            if (existing is not null)
            {
                operation.Parameters.Remove(existing);
            }

            operation.Parameters.Add(new OpenApiParameter
            {
                Name = parameter.Name,
                In = location,
                Required = parameter.Required,
                Description = parameter.Description,
                Schema = Schema(parameter),
                Example = parameter.Example is null ? null : Value(parameter.Type, parameter.Example),
            });
        }

        if (doc.Body is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = body.Required,
                Description = body.Description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [body.ContentType] = new()
                    {
                        Example = body.Example is null ? null
                            : body.ContentType.Contains("json", StringComparison.Ordinal) ? JsonNode.Parse(body.Example) : JsonValue.Create(body.Example),
                    },
                },
            };
        }

        if (doc.Responses.Count == 0)
        {
            return;
        }

        operation.Responses ??= [];
        // The generator's placeholder for a handler it cannot see into: a bare 200 the description does not list.
        if (operation.Responses.TryGetValue("200", out var placeholder) && placeholder.Content is not { Count: > 0 }
            && !doc.Responses.Any(static r => r.Status == 200))
        {
            operation.Responses.Remove("200");
        }

        var documented = new Dictionary<int, OpenApiResponse>();
        foreach (var response in doc.Responses)
        {
            string status = response.Status.ToString(CultureInfo.InvariantCulture);
            if (documented.TryGetValue(response.Status, out var same))
            {
                // One status, another media type (JSON or a stream, as the request asks): one answer lists both.
                same.Description += " " + response.Description;
                if (response.ContentType is { } other)
                {
                    same.Content ??= new Dictionary<string, OpenApiMediaType>();
                    same.Content[other] = MediaType(document, other);
                }

                continue;
            }

            if (operation.Responses.TryGetValue(status, out var generated) && generated.Content is { Count: > 0 })
            {
                // The generator's, with the schema of the result type: keep it, with the description said here.
                if (generated is OpenApiResponse typed)
                {
                    typed.Description = response.Description;
                    documented[response.Status] = typed;
                }

                continue;
            }

            var answer = new OpenApiResponse { Description = response.Description };
            if (response.ContentType is { } contentType)
            {
                answer.Content = new Dictionary<string, OpenApiMediaType> { [contentType] = MediaType(document, contentType) };
            }

            operation.Responses[status] = answer;
            documented[response.Status] = answer;
        }
    }

    /// <summary>
    /// What the chassis answers before the handler runs, on every module endpoint but the probes: 401/403 from the API
    /// key check, 429 from the rate limiter; write endpoints name the two ways to present a key.
    /// </summary>
    private static void ApplyChassis(OpenApiDocument document, OpenApiOperation operation, RouteEndpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<OperationsEndpointMetadata>() is not null)
        {
            return;
        }

        bool write = endpoint.Metadata.GetMetadata<WriteAccessMetadata>() is not null;
        operation.Responses ??= [];
        AddProblem(document, operation, 401, write
            ? "No API key presented while the server has keys (Authorization: Bearer <key> or X-API-Key)."
            : "No API key presented while Auth:RequireKeyForReads is on.");
        AddProblem(document, operation, 403, write
            ? "The key presented is not valid, or no keys are configured and the request is not from loopback."
            : "The key presented is not valid.");
        if (endpoint.Metadata.GetMetadata<DisableRateLimitingAttribute>() is null)
        {
            AddProblem(document, operation, 429, "Over this client's read or write budget (RateLimits); Retry-After says when to retry.");
        }

        if (write)
        {
            operation.Security ??= [];
            foreach (string scheme in SecuritySchemes(document))
            {
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] });
            }
        }
    }

    private static void AddProblem(OpenApiDocument document, OpenApiOperation operation, int status, string description)
    {
        string key = status.ToString(CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = ProblemSchema(document) } },
        };
    }

    // The chassis' two ways of presenting a key, declared once; either one satisfies a requirement.
    private static string[] SecuritySchemes(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd("bearer", new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Authorization: Bearer <key>, a key of Auth:ApiKeys.",
        });
        document.Components.SecuritySchemes.TryAdd("apiKey", new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-API-Key",
            Description = "X-API-Key: <key>, a key of Auth:ApiKeys.",
        });
        return ["bearer", "apiKey"];
    }

    private static OpenApiMediaType MediaType(OpenApiDocument document, string contentType) =>
        new() { Schema = contentType == "application/problem+json" ? ProblemSchema(document) : null };

    private static OpenApiSchema Schema(ApiParameter parameter)
    {
        var schema = new OpenApiSchema
        {
            Type = parameter.Type switch
            {
                ApiType.Integer => JsonSchemaType.Integer,
                ApiType.Number => JsonSchemaType.Number,
                ApiType.Boolean => JsonSchemaType.Boolean,
                _ => JsonSchemaType.String,
            },
            Default = parameter.Default is null ? null : Value(parameter.Type, parameter.Default),
        };
        if (parameter.Allowed is { Count: > 0 } allowed)
        {
            schema.Enum = [.. allowed.Select(a => Value(parameter.Type, a)!)];
        }

        return schema;
    }

    // A documented value as the JSON its schema type names (examples and defaults are declared as text).
    private static JsonNode Value(ApiType type, string text) => type switch
    {
        ApiType.Integer when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long whole) => JsonValue.Create(whole),
        ApiType.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) => JsonValue.Create(number),
        ApiType.Boolean when bool.TryParse(text, out bool flag) => JsonValue.Create(flag),
        _ => JsonValue.Create(text)!,
    };

    private static OpenApiSchemaReference ProblemSchema(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(ProblemSchemaName))
        {
            document.Components.Schemas[ProblemSchemaName] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "RFC 9457 problem details; detail names what was wrong.",
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                    ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["requestId"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            };
        }

        return new OpenApiSchemaReference(ProblemSchemaName, document);
    }
}
