using System.Text.Json.Serialization;

namespace Crossroads.Server.ModelRouter;

/// <summary>OpenAI's error object (<c>{"error":{"message","type","param","code"}}</c>'s inner part).</summary>
public sealed record OpenAiError(string Message, string Type, string? Param, string? Code);

/// <summary><c>POST /v1/observe</c> answer.</summary>
public sealed record ObserveResponse(bool Ok, string RequestId, string Model, string Cluster, double QualityScore, double? Reward);

/// <summary>Source-generated serialization of the module's answers: snake_case, as OpenAI and ATP name members.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpenAiError))]
[JsonSerializable(typeof(ObserveResponse))]
[JsonSerializable(typeof(KeyInfoResponse))]
public sealed partial class ModelRouterJsonContext : JsonSerializerContext;
