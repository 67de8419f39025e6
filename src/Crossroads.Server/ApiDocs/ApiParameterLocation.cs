namespace Crossroads.Server.ApiDocs;

/// <summary>Where a documented parameter travels.</summary>
public enum ApiParameterLocation
{
    /// <summary>In the query string.</summary>
    Query,

    /// <summary>A segment of the route pattern.</summary>
    Path,

    /// <summary>A request header.</summary>
    Header,
}
