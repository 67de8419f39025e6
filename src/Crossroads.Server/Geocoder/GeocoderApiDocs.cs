using Crossroads.Server.ApiDocs;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// What Addok's endpoints read and answer, for the OpenAPI document: the handlers parse the query string and the
/// multipart body themselves (<see cref="AddokQuery"/>, <see cref="GeocoderCsv"/>), as Addok does, so the generator
/// sees nothing of them. The examples find something in the bundled sample (Pouembout, citycode 98825, and Koné, 98811).
/// </summary>
internal static class GeocoderApiDocs
{
    private const string Json = "application/json";
    private const string Loading = "The geocoder index is still loading; retry shortly.";
    private const string Csv = "text/csv";

    private const string FilterNote = " Values are split on spaces; the parameter may repeat; a result matches one of the values.";

    private const string CsvFields =
        "Form fields (each may also come in the query string; a field sent after the data part is ignored, since the rows are "
        + "answered as they arrive): data (required, the CSV file, with a header line), delimiter (one character, \\t for a tab; "
        + "default: guessed from the header line), quote (one character, default \"), encoding (a Python codec name: utf-8-sig "
        + "(default), utf-8, latin-1, cp1252, ...; the answer uses it, and names it in its charset), with_bom (true: a UTF-8 answer "
        + "starts with a BOM; it does anyway when the file did), type, postcode, citycode (the name of a column whose value "
        + "filters that row's search)";

    private const string SearchCsvBody =
        CsvFields + ", columns (repeatable: the columns joined into the query, default every column), lat and lon (the names of "
        + "columns holding a point that biases each row's search), min_score (a result scoring at or below it is not-found; "
        + "default Geocoder:CsvMinScore, 0.5). The example uses encoding utf-8: the default, utf-8-sig, is named as is in the "
        + "answer's charset, as Addok does, which some HTTP clients refuse to decode.";

    private const string ReverseCsvBody =
        CsvFields + ". The point of each row is read from the columns latitude or lat and longitude, lon, lng or long.";

    private const string SearchCsvExample = "columns=adresse\ncolumns=ville\nencoding=utf-8\ndata@adresses.csv=adresse,ville\\n10 rue des sapins,Pouembout\\nrue des sapins,Pouembout\\n";

    private const string ReverseCsvExample = "encoding=utf-8\ndata@points.csv=id,lat,lon\\n1,-21.120919,164.900792\\n";

    private const string BatchExample = """
        {
          "params": { "citycode": "98825" },
          "requests": [
            { "id": "1", "operation": "geocode", "params": { "q": "10 rue des sapins pouembout", "autocomplete": false } },
            { "id": "2", "operation": "reverse", "params": { "lat": -21.120919, "lon": 164.900792, "filters": { "type": "housenumber" } } }
          ]
        }
        """;

    public static ApiDoc Search() =>
        new ApiDoc()
            .Query("q", ApiType.String, "The text to search, at most 200 characters.", required: true, example: "rue des sapins pouembout")
            .Query("limit", ApiType.Integer, "The number of results, 1 to 100 (0 means the default).", example: "5", defaultValue: "5")
            .Query("autocomplete", ApiType.Boolean, "Whether the last word may be the start of a longer one. Also 1/0, yes/no, on/off, t/f, y/n; a blank value is true.", example: "true", defaultValue: "true")
            .Query("lat", ApiType.Number, "Latitude of a point that favours nearby results (alias: latitude), with lon; ignored when either is 0.", example: "-21.120919")
            .Query("lon", ApiType.Number, "Longitude of that point (aliases: lng, long, longitude).", example: "164.900792")
            .Query("type", ApiType.String, "Only results of this type: housenumber, street, locality or municipality." + FilterNote, example: "street")
            .Query("postcode", ApiType.String, "Only results with this postcode (in the sample, municipalities carry one: 98825 Pouembout, 98859 Koné)." + FilterNote)
            .Query("citycode", ApiType.String, "Only results with this INSEE-style city code (98825 Pouembout, 98811 Koné)." + FilterNote, example: "98825")
            .Returns(200, Json, "A geocodejson FeatureCollection: the features best first, each with properties (label, score, id, type, name, postcode, citycode, city, context, ...), and the query, filters, center and limit echoed.")
            .Problem(400, "A parameter missing (q) or invalid (limit not an integer or outside 1..100, autocomplete not a boolean, lat/lon not a number or out of range): title 'Missing parameter' or 'Invalid parameter', description as Addok's.")
            .Problem(413, "The query is longer than 200 characters (title 'Query too long, N chars, limit is 200').")
            .Problem(503, Loading);

    public static ApiDoc Reverse() =>
        new ApiDoc()
            .Query("lat", ApiType.Number, "Latitude of the point, -90..90 (alias: latitude).", required: true, example: "-21.120919")
            .Query("lon", ApiType.Number, "Longitude of the point, -180..180 (aliases: lng, long, longitude).", required: true, example: "164.900792")
            .Query("limit", ApiType.Integer, "The number of results, 1 to 100 (0 means the default).", example: "1", defaultValue: "1")
            .Query("type", ApiType.String, "Only results of this type: housenumber, street, locality or municipality." + FilterNote, example: "housenumber")
            .Query("postcode", ApiType.String, "Only results with this postcode." + FilterNote)
            .Query("citycode", ApiType.String, "Only results with this city code (98825 Pouembout, 98811 Koné)." + FilterNote, example: "98825")
            .Returns(200, Json, "A geocodejson FeatureCollection of the nearest housenumbers or streets within Geocoder:ReverseMaxDistanceMeters (10 km by default), each with its distance in metres.")
            .Problem(400, "lat or lon missing, not a number or out of range, or limit not an integer or outside 1..100 (title 'Missing parameter' or 'Invalid parameter').")
            .Problem(503, Loading);

    public static ApiDoc Get() =>
        new ApiDoc()
            .Path("id", ApiType.String, "A result's id: a municipality (98825), a street (98825_y6as4k) or a housenumber (98825_y6as4k_00010).", "98825_y6as4k_00010")
            .Returns(200, Json, "The document as a geojson Feature (no score).")
            .Problem(404, "No document or housenumber has this id (id \"...\" not found).")
            .Problem(503, Loading);

    public static ApiDoc SearchCsv() =>
        new ApiDoc()
            .WithBody(new ApiBody("multipart/form-data", SearchCsvBody, SearchCsvExample, Required: true))
            .Returns(200, Csv, "The rows in their order, streamed, with latitude, longitude, result_label, result_score, result_score_next, result_type, result_id, result_housenumber, result_name, result_street, result_postcode, result_city, result_context, result_citycode, result_oldcitycode, result_oldcity, result_district and result_status (ok, not-found, skipped: under 3 characters or not starting with a letter or digit, error: over 200 characters) appended; charset the request's encoding; Content-Disposition attachment NAME.geocoded.csv.")
            .Problem(400, "Not multipart/form-data or no data part ('Missing file'), an empty file, a column named by a field that the header lacks, an unknown encoding or undecodable bytes, an invalid delimiter, quote or min_score, or a malformed body.")
            .Problem(413, "The body is over Geocoder:CsvMaxBytes (256 MiB by default): a declared length before anything is read, a chunked body when it is found over before rows were answered (after that the connection is cut, so a truncated answer never looks complete).")
            .Problem(503, Loading);

    public static ApiDoc ReverseCsv() =>
        new ApiDoc()
            .WithBody(new ApiBody("multipart/form-data", ReverseCsvBody, ReverseCsvExample, Required: true))
            .Returns(200, Csv, "The rows in their order, streamed, with result_latitude, result_longitude, result_label, result_distance, result_type, result_id, result_housenumber, the result_name ... result_district columns and result_status (ok, not-found, skipped: no usable point, error: out of range) appended.")
            .Problem(400, "Not multipart/form-data or no data part ('Missing file'), an empty file, a filter column the header lacks, an unknown encoding or undecodable bytes, an invalid delimiter or quote, or a malformed body.")
            .Problem(413, "The body is over Geocoder:CsvMaxBytes (256 MiB by default): a declared length before anything is read, a chunked body when it is found over before rows were answered (after that the connection is cut, so a truncated answer never looks complete).")
            .Problem(503, Loading);

    public static ApiDoc Batch() =>
        new ApiDoc()
            .JsonBody(
                "addok-server's batch: requests (required, at most Geocoder:MaxBatchSize, 100 by default), each {id (echoed), operation: geocode|reverse, params}, and optional global params for what a request's params leave out. "
                + "geocode reads q (required), autocomplete (default false), lat/lon (a point that favours nearby results); reverse reads lat and lon (required). Both read the filters type, postcode, citycode, as members of params or of params.filters, a string (values split on '+' or spaces) or an array of strings. "
                + "Coordinates take the aliases latitude, lng, long, longitude, as numbers or numeric strings. At most Geocoder:BatchMaxBytes (256 KiB by default).",
                BatchExample)
            .Returns(200, Json, "{results: [...]} in the requests' order: {id, status: ok, result: {the best feature's properties, next_score, lon, lat}}, {id, status: not-found}, or {id, status: error, error, code, title} for a request whose parameters GET /search or /reverse would refuse.")
            .Problem(400, "The body is not valid JSON, not an object, lacks the requests array, has too many requests, an operation other than geocode or reverse, a request without params, or global params that are not an object.")
            .Problem(413, "The body is over Geocoder:BatchMaxBytes.")
            .Problem(415, "The body is not application/json.")
            .Problem(503, Loading);
}
