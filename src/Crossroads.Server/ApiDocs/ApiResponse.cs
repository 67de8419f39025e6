namespace Crossroads.Server.ApiDocs;

/// <summary>One documented answer: status, media type (null for none) and when it is given.</summary>
public sealed record ApiResponse(int Status, string? ContentType, string Description);
