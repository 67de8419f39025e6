using Microsoft.AspNetCore.WebUtilities;

namespace Crossroads.Server.ApiDocs;

/// <summary>
/// Endpoint metadata describing what a handler reads and answers, for the OpenAPI document. Most handlers here read
/// the request themselves (to keep compatible error texts and the hot path free of model binding), so the generator
/// sees no parameters, no body and, for plain <see cref="RequestDelegate"/> handlers, no operation at all;
/// <see cref="ApiDocTransformer"/> adds what this says. Built once at mapping time with the fluent methods:
/// <code>
/// .Documented(new ApiDoc()
///     .Query("q", ApiType.String, "The text to search.", required: true, example: "rue des sapins")
///     .Returns(200, "application/json", "A geocodejson FeatureCollection.")
///     .Problems(400, 413))
/// </code>
/// The tests send every documented example and check the answer is a documented status, and that leaving out a
/// required query parameter is refused: a description that drifts from the handler fails them.
/// </summary>
public sealed class ApiDoc
{
    private readonly List<ApiParameter> _parameters = [];
    private readonly List<ApiResponse> _responses = [];

    /// <summary>The parameters, in the order they were declared.</summary>
    public IReadOnlyList<ApiParameter> Parameters => _parameters;

    /// <summary>The request body, if the endpoint reads one.</summary>
    public ApiBody? Body { get; private set; }

    /// <summary>The documented answers.</summary>
    public IReadOnlyList<ApiResponse> Responses => _responses;

    /// <summary>A query-string parameter.</summary>
    public ApiDoc Query(string name, ApiType type, string description, bool required = false, string? example = null, string? defaultValue = null, IReadOnlyList<string>? allowed = null) =>
        Add(new ApiParameter(name, ApiParameterLocation.Query, type, description, required, example, defaultValue, allowed));

    /// <summary>A route parameter (always required).</summary>
    public ApiDoc Path(string name, ApiType type, string description, string example) =>
        Add(new ApiParameter(name, ApiParameterLocation.Path, type, description, Required: true, example, null, null));

    /// <summary>A request header.</summary>
    public ApiDoc Header(string name, ApiType type, string description, bool required = false, string? example = null) =>
        Add(new ApiParameter(name, ApiParameterLocation.Header, type, description, required, example, null, null));

    /// <summary>A JSON request body; <paramref name="example"/> is JSON text.</summary>
    public ApiDoc JsonBody(string description, string example, bool required = true) => WithBody(new ApiBody("application/json", description, example, required));

    /// <summary>A request body of another media type.</summary>
    public ApiDoc WithBody(ApiBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Body is not null)
        {
            throw new InvalidOperationException("An endpoint documents one request body.");
        }

        Body = body;
        return this;
    }

    /// <summary>
    /// An answer of <paramref name="status"/> in <paramref name="contentType"/>; called again with the same status and another
    /// media type (a JSON answer or a stream, as the request asks), the answer lists both and joins the descriptions.
    /// </summary>
    public ApiDoc Returns(int status, string? contentType, string description)
    {
        _responses.Add(new ApiResponse(status, contentType, description));
        return this;
    }

    /// <summary>Error answers, each <c>application/problem+json</c>, described by their reason phrase.</summary>
    public ApiDoc Problems(params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (int status in statuses)
        {
            _responses.Add(new ApiResponse(status, "application/problem+json", ReasonPhrases.GetReasonPhrase(status)));
        }

        return this;
    }

    /// <summary>One error answer, <c>application/problem+json</c>, with what causes it.</summary>
    public ApiDoc Problem(int status, string description) => Returns(status, "application/problem+json", description);

    private ApiDoc Add(ApiParameter parameter)
    {
        if (_parameters.Exists(p => p.Name == parameter.Name && p.In == parameter.In))
        {
            throw new InvalidOperationException($"Parameter '{parameter.Name}' is documented twice.");
        }

        _parameters.Add(parameter);
        return this;
    }
}
