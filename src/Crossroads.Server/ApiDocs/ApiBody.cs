namespace Crossroads.Server.ApiDocs;

/// <summary>
/// A documented request body: its media type, what it holds, and an example the tests send (JSON text for a JSON body;
/// for a multipart body, the parts as <c>name=value</c> lines, a part whose value starts with <c>@</c> being a file).
/// </summary>
public sealed record ApiBody(string ContentType, string Description, string? Example, bool Required);
