using System.Globalization;
using System.Text;
using System.Text.Json;
using Crossroads.Geocoding.Index;
using Crossroads.Geocoding.Search;
using Crossroads.Geocoding.Text;
using Crossroads.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// Addok's CSV plugin (addok-csv 1.1: <c>POST /search/csv</c>, <c>POST /reverse/csv</c>) with the BAN's
/// <c>result_status</c> column, streamed: the multipart body is read as a stream and each row is answered as it is read,
/// so memory does not grow with the file. When every form field precedes the <c>data</c> part (or comes in the query
/// string) the answer starts while the upload is still arriving; when a field follows it, the file is first spooled to a
/// temporary file (deleted after use), since the rows cannot be answered before the parameters are known.
/// </summary>
internal sealed partial class GeocoderCsv(GeocoderRuntime runtime, GeocoderOptions options, GeocoderMetrics metrics, ILoggerFactory loggers)
{
    private const int FieldLimit = 64 * 1024;
    private const int FlushBytes = 32 * 1024;

    // Rows geocoded together (in parallel), then written in order: enough to keep both cores busy, few enough that the
    // first answers still stream while the upload arrives and memory stays constant.
    private const int BlockRows = 64;

    private static readonly string[] SearchHeaders =
    [
        "latitude", "longitude", "result_label", "result_score", "result_score_next", "result_type", "result_id", "result_housenumber",
    ];

    private static readonly string[] ReverseHeaders =
    [
        "result_latitude", "result_longitude", "result_label", "result_distance", "result_type", "result_id", "result_housenumber",
    ];

    /// <summary>CSV_EXTRA_FIELDS of the BAN configuration (its FIELDS but housenumbers), then the BAN's status column.</summary>
    private static readonly string[] ExtraFields = ["name", "street", "postcode", "city", "context", "citycode", "oldcitycode", "oldcity", "district"];

    private static readonly string[] CsvParameters = ["columns", "delimiter", "quote", "encoding", "with_bom", "min_score", "lat", "lon", "type", "postcode", "citycode"];

    private readonly ILogger _logger = loggers.CreateLogger(ModuleCatalog.Geocoder.LogCategory);

    static GeocoderCsv() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public Task SearchAsync(HttpContext context) => RunAsync(context, reverse: false);

    public Task ReverseAsync(HttpContext context) => RunAsync(context, reverse: true);

    private async Task RunAsync(HttpContext context, bool reverse)
    {
        GeocoderApi.Cors(context);
        if (runtime.Index is not { } index)
        {
            await AddokProblems.Loading().ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        string? boundary = Boundary(context.Request.ContentType);
        if (boundary is null)
        {
            await AddokProblems.BadRequest("Missing file", "send the CSV as the 'data' part of a multipart/form-data body").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var ct = context.RequestAborted;
        var form = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in context.Request.Query)
        {
            form[key] = [.. values.Select(static v => v ?? string.Empty)];
        }

        bool streamed = CsvParameters.Any(form.ContainsKey);
        var reader = new MultipartReader(boundary, context.Request.Body);
        FileStream? spool = null;
        string? fileName = null;
        bool answered = false;
        try
        {
            while (await reader.ReadNextSectionAsync(ct).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                string name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
                if (name == "data" && fileName is null && !answered)
                {
                    fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "data.csv";
                    if (streamed)
                    {
                        await AnswerAsync(context, index, section.Body, form, fileName, reverse).ConfigureAwait(false);
                        answered = true;
                    }
                    else
                    {
                        spool = CreateSpool();
                        await section.Body.CopyToAsync(spool, ct).ConfigureAwait(false);
                    }
                }
                else if (answered)
                {
                    // The rows were answered with the parameters given before the file: a later field comes too late.
                    await section.Body.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
                    LogLateField(_logger, name);
                }
                else
                {
                    string value = await ReadFieldAsync(section.Body, ct).ConfigureAwait(false);
                    if (!form.TryGetValue(name, out var list))
                    {
                        form[name] = list = [];
                    }

                    list.Add(value);
                    streamed |= fileName is null;
                }
            }

            if (answered)
            {
                return;
            }

            if (spool is null)
            {
                await AddokProblems.BadRequest("Missing file").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            spool.Position = 0;
            await AnswerAsync(context, index, spool, form, fileName!, reverse).ConfigureAwait(false);
        }
        catch (InvalidDataException e) when (!context.Response.HasStarted)
        {
            // Malformed multipart body or CSV record.
            await AddokProblems.BadRequest("Malformed request", e.Message).ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted && e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A body without a declared length found over the limit while read (a declared one is refused before);
            // Kestrel's exception is an IOException, which the next clause would answer as a malformed body.
            await AddokProblems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"the body exceeds {options.CsvMaxBytes} bytes")
                .ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (IOException e) when (!context.Response.HasStarted && e is not FileNotFoundException)
        {
            await AddokProblems.BadRequest("Malformed request", e.Message).ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (Exception e) when (context.Response.HasStarted && e is InvalidDataException or IOException or DecoderFallbackException or BadHttpRequestException)
        {
            // The answer has started: a truncated file must not look complete, so the connection is cut.
            LogAborted(_logger, e.Message);
            context.Abort();
        }
        finally
        {
            if (spool is not null)
            {
                await spool.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task AnswerAsync(HttpContext context, GeocoderIndex index, Stream data, Dictionary<string, List<string>> form, string fileName, bool reverse)
    {
        var ct = context.RequestAborted;
        string encodingName = Last(form, "encoding") ?? "utf-8-sig";
        if (ResolveEncoding(encodingName) is not { } encoding)
        {
            await AddokProblems.BadRequest($"Unable to decode with encoding \"{encodingName}\"", $"unknown encoding: {encodingName}").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var decoding = (Encoding)encoding.Clone();
        decoding.DecoderFallback = DecoderFallback.ExceptionFallback;
        using var text = new StreamReader(data, decoding, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024, leaveOpen: true);
        var csv = new CsvRecordReader(text);
        bool bom;
        string firstLine;
        var header = new List<string>();
        try
        {
            bom = await csv.SkipByteOrderMarkAsync(ct).ConfigureAwait(false);
            firstLine = await csv.PeekFirstLineAsync(ct).ConfigureAwait(false);
            if (!await SetDialectAsync(context, csv, form, firstLine).ConfigureAwait(false))
            {
                return;
            }

            if (!await csv.ReadRecordAsync(header, ct).ConfigureAwait(false) || (header.Count == 1 && header[0].Length == 0))
            {
                await AddokProblems.BadRequest("Empty file").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
        }
        catch (DecoderFallbackException e)
        {
            await AddokProblems.BadRequest($"Unable to decode with encoding \"{encodingName}\"", e.Message).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var plan = CsvPlan.Create(header, form, reverse);
        if (plan.Error is { } error)
        {
            await AddokProblems.BadRequest(error).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        double minScore = options.CsvMinScore;
        if (Last(form, "min_score") is { } minText && !AddokQuery.TryParseFloat(minText, out minScore))
        {
            await AddokProblems.InvalidParam("The value must be a float.", "min_score").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        bool withBom = bom || (Last(form, "with_bom") is "true" or "True" or "1" or "yes" or "on" && encoding is UTF8Encoding);
        var dialect = new CsvDialect(csv.Delimiter, csv.Quote, csv.AllQuoted, csv.FirstTerminator ?? "\r\n");
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = $"text/csv; charset={encodingName}";
        response.Headers.ContentDisposition = $"attachment; filename=\"{Path.GetFileNameWithoutExtension(fileName)}.geocoded.csv\"";
        string? coding = ContentCoding.Choose(context.Request);
        ContentCoding.SetHeaders(response, coding);
        await using var body = coding is null ? null : ContentCoding.Wrap(coding, response.Body);
        var output = new CsvOutput(body ?? response.Body, encoding, dialect, withBom);
        output.WriteRecord(plan.OutputHeader);
        await output.FlushAsync(ct).ConfigureAwait(false);

        var fields = new List<string>();
        var block = new List<string[]>(BlockRows);
        bool more = true;
        while (more)
        {
            // A block of rows is read, geocoded on every core, then written in input order: one upload is one
            // request, and row after row it used one core of the server.
            block.Clear();
            while (block.Count < BlockRows && (more = await csv.ReadRecordAsync(fields, ct).ConfigureAwait(false)))
            {
                if (fields.Count == 1 && fields[0].Length == 0 && !csv.AllQuoted)
                {
                    continue; // a blank line: Python's DictReader skips it
                }

                var row = new string[plan.OutputHeader.Length];
                for (int i = 0; i < plan.InputCount; i++)
                {
                    row[i] = i < fields.Count ? fields[i] : string.Empty;
                }

                Array.Fill(row, string.Empty, plan.InputCount, row.Length - plan.InputCount);
                block.Add(row);
            }

            GeocodeBlock(index, plan, block, reverse, minScore, ct);
            foreach (string[] row in block)
            {
                metrics.CsvRow(reverse ? GeocoderMetrics.Endpoints.ReverseCsv : GeocoderMetrics.Endpoints.SearchCsv, row[plan.Status]);
                output.WriteRecord(row);
            }

            if (output.Pending >= FlushBytes)
            {
                await output.FlushAsync(ct).ConfigureAwait(false);
            }
        }

        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    private void GeocodeBlock(GeocoderIndex index, CsvPlan plan, List<string[]> block, bool reverse, double minScore, CancellationToken ct)
    {
        if (block.Count <= 1 || Environment.ProcessorCount == 1)
        {
            foreach (string[] row in block)
            {
                GeocodeRow(index, plan, row, reverse, minScore);
            }

            return;
        }

        try
        {
            Parallel.For(0, block.Count, new ParallelOptions { CancellationToken = ct }, i => GeocodeRow(index, plan, block[i], reverse, minScore));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // As the row-by-row loop would have: the first failure itself, not a wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private void GeocodeRow(GeocoderIndex index, CsvPlan plan, string[] row, bool reverse, double minScore)
    {
        if (reverse)
        {
            ReverseRow(index, plan, row);
        }
        else
        {
            SearchRow(index, plan, row, minScore);
        }
    }

    private async Task<bool> SetDialectAsync(HttpContext context, CsvRecordReader csv, Dictionary<string, List<string>> form, string firstLine)
    {
        if (Last(form, "quote") is { Length: > 0 } quote)
        {
            if (quote.Length != 1)
            {
                await AddokProblems.InvalidParam("The value must be one character.", "quote").ExecuteAsync(context).ConfigureAwait(false);
                return false;
            }

            csv.Quote = quote[0];
        }

        if (Last(form, "delimiter") is { Length: > 0 } delimiter)
        {
            string d = delimiter == "\\t" ? "\t" : delimiter;
            if (d.Length != 1 || d[0] == csv.Quote || d[0] is '\r' or '\n')
            {
                await AddokProblems.InvalidParam("The value must be one character, not the quote or a line break.", "delimiter").ExecuteAsync(context).ConfigureAwait(false);
                return false;
            }

            csv.Delimiter = d[0];
        }
        else
        {
            csv.Delimiter = CsvDialect.SniffDelimiter(firstLine, csv.Quote);
        }

        return true;
    }

    /// <summary>
    /// One row of /search/csv and its <c>result_status</c>, as the BAN's CSV geocoder (livingdata-co/addok-geocode-stream)
    /// sets it: <c>skipped</c> when the query is shorter than 3 characters or does not start with a letter or a digit (it
    /// is not sent), <c>error</c> when the geocoder refuses it (over 200 characters), <c>not-found</c> without a result
    /// above <c>min_score</c>, else <c>ok</c>.
    /// </summary>
    private void SearchRow(GeocoderIndex index, CsvPlan plan, string[] row, double minScore)
    {
        var q = new StringBuilder();
        foreach (int c in plan.QueryColumns)
        {
            if (q.Length > 0)
            {
                q.Append(' ');
            }

            q.Append(row[c]);
        }

        string query = q.ToString();
        if (!Geocodable(query))
        {
            row[plan.Status] = "skipped";
            return;
        }

        double? lat = null, lon = null;
        if (plan.LatColumn >= 0 && plan.LonColumn >= 0
            && AddokQuery.TryParseFloat(row[plan.LatColumn], out double y) && AddokQuery.TryParseFloat(row[plan.LonColumn], out double x)
            && x != 0 && y != 0)
        {
            lat = y;
            lon = x;
        }

        IReadOnlyList<GeocodeResult> results;
        try
        {
            results = index.Search(query, new SearchOptions
            {
                Limit = 3,
                Autocomplete = false,
                Lat = lat,
                Lon = lon,
                Types = FilterValue(row, plan.TypeColumn),
                Postcodes = FilterValue(row, plan.PostcodeColumn),
                Citycodes = FilterValue(row, plan.CitycodeColumn),
            });
        }
        catch (QueryTooLongException)
        {
            row[plan.Status] = "error"; // Addok answers 413 for the whole file
            return;
        }

        metrics.Answered(GeocoderMetrics.Endpoints.SearchCsv, scored: true, results);

        double score = results.Count > 0 ? Math.Round(results[0].Score, 2, MidpointRounding.ToEven) : 0;
        if (results.Count == 0 || score <= minScore)
        {
            row[plan.Status] = "not-found";
            return;
        }

        var r = results[0];
        var cells = plan.ResultColumns;
        row[cells[0]] = GeoJson.PythonFloat(r.Lat);
        row[cells[1]] = GeoJson.PythonFloat(r.Lon);
        row[cells[2]] = r.Label;
        row[cells[3]] = GeoJson.PythonFloat(score);
        row[cells[4]] = results.Count < 2 ? "0" : GeoJson.PythonFloat(Math.Round(results[1].Score, 2, MidpointRounding.ToEven));
        row[cells[5]] = r.Type;
        row[cells[6]] = r.Id;
        row[cells[7]] = r.Housenumber ?? string.Empty;
        WriteExtras(plan, row, r, SearchHeaders.Length);
        row[plan.Status] = "ok";
    }

    /// <summary>
    /// One row of /reverse/csv: <c>skipped</c> without a usable point (a coordinate missing, not a number, or 0, as the BAN
    /// skips it), <c>error</c> when a coordinate is out of range (Addok refuses it), <c>not-found</c> with nothing within
    /// <c>Geocoder:ReverseMaxDistanceMeters</c>, else <c>ok</c>.
    /// </summary>
    private void ReverseRow(GeocoderIndex index, CsvPlan plan, string[] row)
    {
        if (plan.LatColumn < 0 || plan.LonColumn < 0
            || !AddokQuery.TryParseFloat(row[plan.LatColumn], out double lat) || !AddokQuery.TryParseFloat(row[plan.LonColumn], out double lon)
            || lat == 0 || lon == 0)
        {
            row[plan.Status] = "skipped";
            return;
        }

        if (lat is > 90 or < -90 || lon is > 180 or < -180)
        {
            row[plan.Status] = "error";
            return;
        }

        var results = index.Reverse(lat, lon, new ReverseOptions
        {
            Limit = 1,
            Types = FilterValue(row, plan.TypeColumn),
            Postcodes = FilterValue(row, plan.PostcodeColumn),
            Citycodes = FilterValue(row, plan.CitycodeColumn),
            MaxDistanceMeters = options.ReverseMaxDistanceMeters,
        });
        metrics.Answered(GeocoderMetrics.Endpoints.ReverseCsv, scored: false, results);
        if (results.Count == 0)
        {
            row[plan.Status] = "not-found";
            return;
        }

        var r = results[0];
        var cells = plan.ResultColumns;
        row[cells[0]] = GeoJson.PythonFloat(r.Lat);
        row[cells[1]] = GeoJson.PythonFloat(r.Lon);
        row[cells[2]] = r.Label;
        row[cells[3]] = (r.Distance ?? 0).ToString(CultureInfo.InvariantCulture);
        row[cells[4]] = r.Type;
        row[cells[5]] = r.Id;
        row[cells[6]] = r.Housenumber ?? string.Empty;
        WriteExtras(plan, row, r, ReverseHeaders.Length);
        row[plan.Status] = "ok";
    }

    /// <summary>result_name, result_street, ...: the first value of the document's field (Addok's <c>getattr(result, key, "")</c>).</summary>
    private static void WriteExtras(CsvPlan plan, string[] row, GeocodeResult r, int first)
    {
        var cells = plan.ResultColumns;
        for (int i = 0; i < ExtraFields.Length; i++)
        {
            string key = ExtraFields[i];
            row[cells[first + i]] = key switch
            {
                "name" => r.DocumentName,
                "postcode" => r.Postcode ?? string.Empty,
                "city" => r.City ?? string.Empty,
                "context" => r.Context ?? string.Empty,
                "citycode" => r.Citycode ?? string.Empty,
                _ => Extra(r, key),
            };
        }
    }

    private static string Extra(GeocodeResult r, string key)
    {
        foreach (var (name, raw) in r.Extras)
        {
            if (name == key)
            {
                return raw.Length > 0 && raw[0] == '"' ? JsonSerializer.Deserialize(raw, GeocoderJsonContext.Default.String) ?? string.Empty
                    : raw == "null" ? string.Empty : raw;
            }
        }

        return string.Empty;
    }

    /// <summary>The BAN's check before geocoding a row: at least 3 characters, the first a letter or a digit.</summary>
    private static bool Geocodable(string query)
    {
        var text = query.AsSpan().Trim();
        return text.Length >= 3 && (char.IsLetter(text[0]) || char.IsAsciiDigit(text[0]));
    }

    private static string[]? FilterValue(string[] row, int column) =>
        column >= 0 && row[column].Trim() is { Length: > 0 } value ? [value] : null;

    private FileStream CreateSpool()
    {
        string directory = string.IsNullOrEmpty(options.CsvSpoolDirectory) ? Path.GetTempPath() : options.CsvSpoolDirectory;
        string path = Path.Combine(directory, "crossroads-geocoder-" + Guid.NewGuid().ToString("N") + ".csv");
        return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous | FileOptions.SequentialScan);
    }

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var buffer = new char[4096];
        var text = new StringBuilder();
        int n;
        while ((n = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (text.Length + n > FieldLimit)
            {
                throw new InvalidDataException($"a form field is longer than {FieldLimit} characters");
            }

            text.Append(buffer, 0, n);
        }

        return text.ToString();
    }

    internal static string? Last(Dictionary<string, List<string>> form, string name) =>
        form.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    private static string? Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary);
        return StringSegment.IsNullOrEmpty(boundary) || boundary.Length > 200 ? null : boundary.Value;
    }

    /// <summary>Python codec names (utf-8-sig, utf-8, latin-1, cp1252, ...) to encodings; null when unknown.</summary>
    internal static Encoding? ResolveEncoding(string name)
    {
        string key = name.Trim().ToLowerInvariant().Replace('_', '-');
        switch (key)
        {
            case "utf-8-sig" or "utf8-sig" or "utf-8" or "utf8" or "u8":
                return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            case "latin-1" or "latin1" or "l1" or "iso-8859-1" or "iso8859-1" or "8859" or "cp819":
                return Encoding.Latin1;
            case "ascii" or "us-ascii":
                return Encoding.ASCII;
            default:
                try
                {
                    return Encoding.GetEncoding(key.StartsWith("cp", StringComparison.Ordinal) && int.TryParse(key.AsSpan(2), out int page) ? "windows-" + page.ToString(CultureInfo.InvariantCulture) : key);
                }
                catch (ArgumentException)
                {
                    return null;
                }
        }
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Geocoder CSV answer cut: {Reason}")]
    private static partial void LogAborted(ILogger logger, string reason);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Geocoder CSV: form field '{Name}' after the file was ignored (the rows were answered with the fields sent before it)")]
    private static partial void LogLateField(ILogger logger, string name);

    /// <summary>Where the request's columns go: query columns, filter and coordinate columns, result cells.</summary>
    private sealed class CsvPlan
    {
        public string[] OutputHeader { get; private init; } = [];

        public int InputCount { get; private init; }

        public int[] QueryColumns { get; private init; } = [];

        public int[] ResultColumns { get; private init; } = [];

        public int Status { get; private init; }

        public int LatColumn { get; private init; } = -1;

        public int LonColumn { get; private init; } = -1;

        public int TypeColumn { get; private init; } = -1;

        public int PostcodeColumn { get; private init; } = -1;

        public int CitycodeColumn { get; private init; } = -1;

        public string? Error { get; private init; }

        public static CsvPlan Create(List<string> header, Dictionary<string, List<string>> form, bool reverse)
        {
            string Names() => "[" + string.Join(", ", header.Select(static h => "'" + h.Replace("'", "\\'", StringComparison.Ordinal) + "'")) + "]";
            int Find(string column) => header.IndexOf(column);
            string? missing = null;
            int Column(string? name)
            {
                if (string.IsNullOrEmpty(name))
                {
                    return -1;
                }

                int i = Find(name);
                if (i < 0)
                {
                    missing ??= name;
                }

                return i;
            }

            var queryColumns = new List<int>();
            if (!reverse)
            {
                var columns = form.TryGetValue("columns", out var named) && named.Count > 0 ? named : header;
                foreach (string column in columns)
                {
                    int i = Column(column);
                    if (i >= 0)
                    {
                        queryColumns.Add(i);
                    }
                }
            }

            int type = Column(Last(form, "type"));
            int postcode = Column(Last(form, "postcode"));
            int citycode = Column(Last(form, "citycode"));
            int lat, lon;
            if (reverse)
            {
                lat = FirstOf(header, "latitude", "lat");
                lon = FirstOf(header, "longitude", "lon", "lng", "long");
            }
            else
            {
                lat = Column(Last(form, "lat"));
                lon = Column(Last(form, "lon"));
            }

            if (missing is not null)
            {
                return new CsvPlan { Error = $"Cannot found column '{missing}' in columns {Names()}" };
            }

            var output = new List<string>(header);
            var results = new List<int>();
            foreach (string name in (reverse ? ReverseHeaders : SearchHeaders).Concat(ExtraFields.Select(static f => "result_" + f)).Append("result_status"))
            {
                int i = output.IndexOf(name);
                if (i < 0)
                {
                    i = output.Count;
                    output.Add(name);
                }

                results.Add(i);
            }

            return new CsvPlan
            {
                OutputHeader = [.. output],
                InputCount = header.Count,
                QueryColumns = [.. queryColumns],
                ResultColumns = [.. results],
                Status = results[^1],
                LatColumn = lat,
                LonColumn = lon,
                TypeColumn = type,
                PostcodeColumn = postcode,
                CitycodeColumn = citycode,
            };
        }

        private static int FirstOf(List<string> header, params string[] names)
        {
            foreach (string name in names)
            {
                int i = header.IndexOf(name);
                if (i >= 0)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
