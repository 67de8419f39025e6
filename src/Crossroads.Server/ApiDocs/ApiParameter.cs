namespace Crossroads.Server.ApiDocs;

/// <summary>One documented request parameter; <see cref="Example"/> is sent as is by the tests that check the document.</summary>
public sealed record ApiParameter(
    string Name,
    ApiParameterLocation In,
    ApiType Type,
    string Description,
    bool Required,
    string? Example,
    string? Default,
    IReadOnlyList<string>? Allowed);
