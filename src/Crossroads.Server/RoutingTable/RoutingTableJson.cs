using System.Text.Json.Serialization;

namespace Crossroads.Server.RoutingTable;

/// <summary>Answer of <c>GET /destination/{ip}</c> (the Python service's shape).</summary>
public sealed record DestinationResponse(
    [property: JsonPropertyName("dst")] string Destination,
    [property: JsonPropertyName("nh")] string NextHop);

/// <summary>Answer of a metric update (the Python service's shape).</summary>
public sealed record UpdateResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("updated_routes")] int UpdatedRoutes);

/// <summary>One route in listings and explanations.</summary>
public sealed record RouteResponse(
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("nh")] string NextHop,
    [property: JsonPropertyName("metric")] int Metric,
    [property: JsonPropertyName("active")] bool Active);

/// <summary>Answer of <c>GET /destination/{ip}/explain</c>: every matching route, the winner first.</summary>
public sealed record ExplainResponse(
    [property: JsonPropertyName("ip")] string Address,
    [property: JsonPropertyName("dst")] string? Destination,
    [property: JsonPropertyName("nh")] string? NextHop,
    [property: JsonPropertyName("routes")] IReadOnlyList<RouteResponse> Routes);

/// <summary>One result of <c>POST /destinations</c>, at the index of its address.</summary>
public sealed record BatchItem(
    [property: JsonPropertyName("ip")] string Address,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("dst"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Destination,
    [property: JsonPropertyName("nh"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextHop,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

/// <summary>Answer of <c>POST /destinations</c>.</summary>
public sealed record BatchResponse(
    [property: JsonPropertyName("results")] IReadOnlyList<BatchItem> Results);

/// <summary>One page of <c>GET /routes</c>.</summary>
public sealed record RoutesPage(
    [property: JsonPropertyName("routes")] IReadOnlyList<RouteResponse> Routes,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);

/// <summary>Answer of <c>GET /health</c> (the Python service's fields first).</summary>
public sealed record LegacyHealthResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("routes_loaded")] int RoutesLoaded,
    [property: JsonPropertyName("prefixes")] int Prefixes,
    [property: JsonPropertyName("table_version")] long TableVersion,
    [property: JsonPropertyName("max_metric")] int MaxMetric);

/// <summary>Source-generated serializers: no reflection on the request path.</summary>
[JsonSerializable(typeof(DestinationResponse))]
[JsonSerializable(typeof(UpdateResponse))]
[JsonSerializable(typeof(ExplainResponse))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(RoutesPage))]
[JsonSerializable(typeof(LegacyHealthResponse))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class RoutingTableJsonContext : JsonSerializerContext;
