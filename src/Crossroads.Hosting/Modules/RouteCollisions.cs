using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crossroads.Hosting;

/// <summary>Finds endpoints that two registrations claim (same HTTP method and route pattern), e.g. two modules mapping <c>/health</c>.</summary>
public static class RouteCollisions
{
    /// <summary>One line per collision: <c>GET /health: RoutingTable, Geocoder</c>; empty when every route has one owner.</summary>
    public static IReadOnlyList<string> Find(IEnumerable<Endpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var owners = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            string owner = endpoint.Metadata.GetMetadata<ModuleEndpointMetadata>()?.Identity.Name ?? "chassis";
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"];
            string pattern = "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(Normalize));
            foreach (string method in methods)
            {
                string key = $"{method} {pattern}";
                if (!owners.TryGetValue(key, out var list))
                {
                    owners[key] = list = [];
                }

                list.Add(owner);
            }
        }

        return [.. owners.Where(static o => o.Value.Count > 1).Select(static o => $"{o.Key}: {string.Join(", ", o.Value)}").Order(StringComparer.Ordinal)];
    }

    // Parameter names do not matter for a collision: /a/{x} and /a/{y} match the same requests.
    private static string Normalize(Microsoft.AspNetCore.Routing.Patterns.RoutePatternPathSegment segment) =>
        string.Concat(segment.Parts.Select(static p => p switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => parameter.IsCatchAll ? "{**}" : "{}",
            _ => "?",
        }));
}
