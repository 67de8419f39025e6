using System.Text.Json.Serialization;

namespace Crossroads.Server.Geocoder;

/// <summary>Source-generated JSON for the few values the module reads (raw string values of extra fields).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class GeocoderJsonContext : JsonSerializerContext;
