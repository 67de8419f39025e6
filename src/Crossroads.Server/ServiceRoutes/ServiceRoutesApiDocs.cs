using Crossroads.Server.ApiDocs;
using Crossroads.ServiceRoutes;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// The parts of the module's <see cref="ApiDoc"/>s that every endpoint repeats (names, limits, the headers every
/// write reads), so the same rule reads the same everywhere and follows the constants the handlers check against.
/// </summary>
internal static class ServiceRoutesApiDocs
{
    /// <summary>Route-key examples that form one route throughout the document, the one the upsert example creates.</summary>
    public const string ExampleTenant = "acme";

    public const string ExampleService = "billing";

    public const string ExampleEnv = "prod";

    public const string ExampleVersion = "v1";

    /// <summary>A name query parameter (tenant, service, env, version) and its rule.</summary>
    public static ApiDoc Name(this ApiDoc doc, string name, string description, bool required, string example) =>
        doc.Query(name, ApiType.String, $"{description} Must match {RouteValidation.NamePattern}.", required: required, example: example);

    /// <summary>The optional tenant/service/env filter of listings and audit queries (each an exact match).</summary>
    public static ApiDoc Filter(this ApiDoc doc, string what) => doc
        .Name("tenant", $"Only {what} of this tenant.", required: false, ExampleTenant)
        .Name("service", $"Only {what} of this service.", required: false, ExampleService)
        .Name("env", $"Only {what} of this environment.", required: false, ExampleEnv);

    /// <summary>The <c>limit</c> of listings, audit queries and the change feed (<see cref="QueryValues.TryInt"/>: 400 "Invalid limit" outside the range).</summary>
    public static ApiDoc Limit(this ApiDoc doc, string what) =>
        doc.Query("limit", ApiType.Integer, $"Most {what} answered, 1 to {RouteValidation.MaxLimit}; another value is 400 \"Invalid limit\".", example: "100", defaultValue: "100");

    /// <summary>The correlation id every handler of the module settles and echoes (<see cref="WriteContext.Correlate"/>).</summary>
    public static ApiDoc Correlation(this ApiDoc doc) =>
        doc.Header(
            WriteContext.CorrelationHeader,
            ApiType.String,
            "Echoed in the answer and stored with a write's change; 1 to 128 printable ASCII characters, else the request id is used instead.",
            example: "deploy-4711");

    /// <summary>
    /// The headers of a write (<see cref="WriteContext.From"/>): <c>If-Match</c> and <c>Idempotency-Key</c> have no
    /// example on purpose: one would make every tried example conditional, or a replay of the first one tried.
    /// </summary>
    public static ApiDoc WriteHeaders(this ApiDoc doc, string target) => doc
        .Header(
            "If-Match",
            ApiType.String,
            $"Write only if the {target} is at this revision (\"3\", 3 or W/\"3\": the ETag of a read or the revision of a write; \"0\": only if it does not exist), or * only if it exists; else 412 with current_revision. Another value is 400 \"Invalid If-Match\".")
        .Header(
            WriteContext.IdempotencyHeader,
            ApiType.String,
            $"One key of 1 to {RouteValidation.MaxIdempotencyKeyLength} printable ASCII characters, per API key: the same request again (method, path, query and body) within 24 h gets the first answer again with {WriteContext.ReplayedHeader}: true and writes nothing; the key with another request is 422; two keys or an invalid one is 400.")
        .Correlation();
}
