namespace Crossroads.Server.ModelRouter;

/// <summary>A request the router refuses before routing: message, the offending parameter, and OpenAI's error code.</summary>
internal sealed record RequestError(string Message, string? Param, string Code = "invalid_value", int Status = StatusCodes.Status400BadRequest);
