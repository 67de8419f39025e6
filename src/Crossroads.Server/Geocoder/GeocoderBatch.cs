using System.Text.Json;
using Crossroads.Geocoding.Index;
using Crossroads.Geocoding.Search;
using Crossroads.Geocoding.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// <c>POST /batch</c> as the BAN's addok-server serves it (livingdata-co/addok-server <c>lib/batch.js</c>):
/// <c>{"params": {...}, "requests": [{"id": ..., "operation": "geocode"|"reverse", "params": {...}}]}</c> answers
/// <c>{"results": [{"id", "status": "ok", "result": {...}} | {"id", "status": "not-found"} | {"id", "status": "error", "error"}]}</c>
/// in the requests' order. A result is the best feature's properties with <c>next_score</c> (the second's score, when
/// there is one), <c>lon</c> and <c>lat</c>. A query's bad parameter is that query's error (with the status, title and
/// description GET /search would answer); only a body that is not such an object, too many requests, an unknown
/// operation or missing params refuse the whole request (400, as addok-server), besides 413 and 415.
/// </summary>
internal sealed class GeocoderBatch(GeocoderRuntime runtime, GeocoderOptions options, GeocoderMetrics metrics)
{
    private const string Geocode = "geocode";
    private const string ReverseOperation = "reverse";

    /// <summary>addok-server asks for two results: the best is the answer, the second's score its <c>next_score</c>.</summary>
    private const int Candidates = 2;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    public async Task HandleAsync(HttpContext context)
    {
        GeocoderApi.Cors(context);
        if (runtime.Index is not { } index)
        {
            await AddokProblems.Loading().ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            await AddokProblems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"the body must be application/json, got '{request.ContentType ?? "(no Content-Type)"}'").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, DocumentOptions, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await AddokProblems.BadRequest("Invalid JSON", $"the body is not well-formed JSON: {e.Message}").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A chunked body past the endpoint's limit (a declared length over it never gets here).
            await AddokProblems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"the body exceeds {options.BatchMaxBytes} bytes")
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        using (document)
        {
            if (JsonText.FindInvalidString(document.RootElement) is { } badText)
            {
                await AddokProblems.BadRequest("Invalid JSON", $"the body is not well-formed JSON: {JsonText.Describe(badText)}").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            if (Validate(document.RootElement, options.MaxBatchSize) is { } invalid)
            {
                await invalid.ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            await GeoJson.Write(context, (this, index, document.RootElement), static (w, state) => state.Item1.Answer(w, state.index, state.RootElement)).ConfigureAwait(false);
        }
    }

    /// <summary>addok-server's checks of the whole request, with its messages.</summary>
    private static ProblemHttpResult? Validate(JsonElement root, int maxBatchSize)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return AddokProblems.BadRequest(AddokProblems.InvalidTitle, $"the body must be a JSON object with 'requests', got {root.ValueKind.ToString().ToLowerInvariant()}");
        }

        if (!root.TryGetProperty("requests", out var requests) || requests.ValueKind != JsonValueKind.Array)
        {
            return AddokProblems.BadRequest(AddokProblems.MissingTitle, "requests is a required param (array)");
        }

        if (requests.GetArrayLength() > maxBatchSize)
        {
            return AddokProblems.BadRequest(AddokProblems.InvalidTitle, $"requests must not contains more than {maxBatchSize} items");
        }

        if (root.TryGetProperty("params", out var global) && global.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            return AddokProblems.BadRequest(AddokProblems.InvalidTitle, "params must be an object");
        }

        int i = 0;
        foreach (var item in requests.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("operation", out var operation)
                || operation.ValueKind != JsonValueKind.String
                || operation.GetString() is not (Geocode or ReverseOperation))
            {
                return AddokProblems.BadRequest(AddokProblems.InvalidTitle, $"operation must be one of geocode or reverse (requests[{i}])");
            }

            if (!item.TryGetProperty("params", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
            {
                return AddokProblems.BadRequest(AddokProblems.MissingTitle, $"params is required for each requests item (requests[{i}])");
            }

            i++;
        }

        return null;
    }

    private void Answer(Utf8JsonWriter w, GeocoderIndex index, JsonElement root)
    {
        var global = root.TryGetProperty("params", out var g) ? g : default;
        w.WriteStartObject();
        w.WriteStartArray("results"u8);
        foreach (var item in root.GetProperty("requests").EnumerateArray())
        {
            string operation = item.GetProperty("operation").GetString()!;
            var parameters = new BatchParams(item.GetProperty("params"), global);
            w.WriteStartObject();
            if (item.TryGetProperty("id", out var id))
            {
                w.WritePropertyName("id"u8);
                id.WriteTo(w);
            }

            string status = Run(w, index, operation, parameters);
            metrics.BatchQuery(operation, status);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Answers one query into its result object (after its <c>id</c>); returns its status.</summary>
    private string Run(Utf8JsonWriter w, GeocoderIndex index, string operation, BatchParams parameters)
    {
        var pointError = parameters.Point(out double? lat, out double? lon);
        var filterError = parameters.Filters(out var filters);
        var error = pointError ?? filterError;
        IReadOnlyList<GeocodeResult> results = [];
        if (error is null && operation == Geocode)
        {
            var queryError = parameters.Query(out string q);
            var autocompleteError = parameters.Autocomplete(out bool autocomplete);
            error = queryError ?? autocompleteError;
            if (error is null)
            {
                results = Search(index, q, autocomplete, lat, lon, filters, out error);
            }
        }
        else if (error is null)
        {
            error = lat is null ? BatchParams.Error.Missing("lat") : lon is null ? BatchParams.Error.Missing("lon") : null;
            if (error is null)
            {
                results = index.Reverse(lat!.Value, lon!.Value, AddokQuery.ReverseOptions(Candidates, filters, options.ReverseMaxDistanceMeters));
            }
        }

        if (error is { } e)
        {
            w.WriteString("status"u8, "error"u8);
            w.WriteString("error"u8, e.Description);
            w.WriteNumber("code"u8, e.Code);
            w.WriteString("title"u8, e.Title);
            return "error";
        }

        metrics.Answered(GeocoderMetrics.Endpoints.Batch, scored: operation == Geocode, results);
        if (results.Count == 0)
        {
            w.WriteString("status"u8, "not-found"u8);
            return "not-found";
        }

        w.WriteString("status"u8, "ok"u8);
        w.WriteStartObject("result"u8);
        var best = results[0];
        GeoJson.Properties(w, best, withScore: true);
        if (results.Count > 1)
        {
            w.WritePropertyName("next_score"u8);
            GeoJson.Float(w, results[1].Score);
        }

        w.WritePropertyName("lon"u8);
        GeoJson.Float(w, best.Lon);
        w.WritePropertyName("lat"u8);
        GeoJson.Float(w, best.Lat);
        w.WriteEndObject();
        return "ok";
    }

    /// <summary>The query's <see cref="Candidates"/> best results; over 200 characters, GET /search's 413 as this query's error.</summary>
    private static IReadOnlyList<GeocodeResult> Search(
        GeocoderIndex index, string q, bool autocomplete, double? lat, double? lon, List<KeyValuePair<string, List<string>>> filters, out BatchParams.Error? error)
    {
        error = null;
        try
        {
            return index.Search(q, AddokQuery.SearchOptions(Candidates, autocomplete, lat, lon, filters));
        }
        catch (QueryTooLongException e)
        {
            // GET /search's 413, for this query only.
            error = new BatchParams.Error(StatusCodes.Status413PayloadTooLarge, e.Message, e.Message);
            return [];
        }
    }
}
