using System.Net;
using System.Text;

namespace Crossroads.Server.Tests.Geocoder;

/// <summary>
/// Addok's CSV plugin over HTTP (POST /search/csv, /reverse/csv): the input rows with Addok's result columns appended,
/// in the input's dialect (delimiter, quoting, line ends, encoding, BOM), streamed.
/// </summary>
public sealed class GeocoderCsvTests(GeocoderServerFixture fixture) : IClassFixture<GeocoderServerFixture>
{
    private static readonly string[] ResultColumns =
    [
        "latitude", "longitude", "result_label", "result_score", "result_score_next", "result_type", "result_id", "result_housenumber",
        "result_name", "result_street", "result_postcode", "result_city", "result_context", "result_citycode", "result_oldcitycode",
        "result_oldcity", "result_district", "result_status",
    ];

    private HttpClient Client => fixture.Server.Client;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task A_csv_over_the_servers_body_limit_with_a_content_length_is_taken_by_the_csv_endpoints_own_limit()
    {
        // ~2 MB, sent with Content-Length as curl -F does: over Limits:MaxRequestBodySize (1 MiB), under Geocoder:CsvMaxBytes.
        // Long rows (a padding column not geocoded): the size is the point, not the row count, which on a busy machine
        // would push a 71,000-row upload past the client's timeout.
        string padding = new('x', 250);
        var csv = new StringBuilder("adresse,note\n");
        while (csv.Length < 2_000_000)
        {
            csv.Append("10 rue des sapins pouembout,").Append(padding).Append('\n');
        }

        var answer = await Csv.PostAsync(Client, "/search/csv", Utf8(csv.ToString()), before: [("columns", "adresse")]);
        Assert.True(answer.Code == 200, answer.Code + " " + answer.Text[..Math.Min(300, answer.Text.Length)]);
        Assert.Equal(csv.ToString().Count(static c => c == '\n'), answer.Lines.Length);
        // Elsewhere the server's limit still holds: Hosting.Tests' LimitsTests (a declared length over it is a 413).
    }

    [Fact]
    public async Task Semicolon_file_with_quoted_fields_gets_Addoks_columns_appended_and_each_row_its_answer()
    {
        string input = "id;adresse;ville\r\n1;\"10 rue des sapins\";Pouembout\r\n2;\"nulle part; vraiment\";Pouembout\r\n3;;\r\n";
        var answer = await Csv.PostAsync(Client, "/search/csv", Utf8(input), before: [("columns", "adresse"), ("columns", "ville")]);

        Assert.True(answer.Code == 200, answer.ToString());
        Assert.Equal("text/csv", answer.ContentType);
        Assert.Equal("attachment; filename=\"adresses.geocoded.csv\"", answer.Response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("*", string.Join(",", answer.Response.Headers.GetValues("Access-Control-Allow-Origin")));
        var lines = answer.Lines;
        Assert.Equal(4, lines.Length);
        Assert.Equal("id;adresse;ville;" + string.Join(';', ResultColumns), lines[0]);
        Assert.EndsWith("\r\n", answer.Text, StringComparison.Ordinal);

        var first = Csv.Row(lines[0], lines[1], ';');
        Assert.Equal("1", first["id"]);
        Assert.Equal("10 rue des sapins", first["adresse"]); // not quoted on the way out: nothing needs it
        Assert.Equal("-21.120919", first["latitude"]);
        Assert.Equal("164.900792", first["longitude"]);
        Assert.Equal("10 Rue des Sapins Pouembout", first["result_label"]);
        Assert.Equal("housenumber", first["result_type"]);
        Assert.Equal("98825_y6as4k_00010", first["result_id"]);
        Assert.Equal("10", first["result_housenumber"]);
        Assert.Equal("Rue des Sapins", first["result_name"]);
        Assert.Equal("Pouembout", first["result_city"]);
        Assert.Equal("98825", first["result_citycode"]);
        Assert.Equal("ok", first["result_status"]);

        // The score is /search's (autocomplete off, limit 3) rounded to 2 decimals, and Python prints it.
        var search = await Geo.GetAsync(Client, "/search?q=10%20rue%20des%20sapins%20Pouembout&autocomplete=0&limit=3");
        double score = Math.Round(search.Properties(0).GetProperty("score").GetDouble(), 2);
        Assert.Equal(score, double.Parse(first["result_score"], System.Globalization.CultureInfo.InvariantCulture));

        Assert.StartsWith("2;\"nulle part; vraiment\";Pouembout;", lines[2], StringComparison.Ordinal); // quoted again: it holds the delimiter
        Assert.EndsWith(";not-found", lines[2], StringComparison.Ordinal);
        Assert.Equal("3;;;" + new string(';', ResultColumns.Length - 1) + "skipped", lines[3]);
    }

    [Fact]
    public async Task Comma_file_with_every_field_quoted_embedded_quotes_and_line_breaks_round_trips()
    {
        string input = "\"nom\",\"adresse\"\n\"Le \"\"Grand\"\" Café\",\"10 rue des sapins\nPouembout\"\n";
        var answer = await Csv.PostAsync(Client, "/search/csv", Utf8(input), before: [("columns", "adresse")]);

        Assert.True(answer.Code == 200, answer.ToString());
        Assert.StartsWith("\"nom\",\"adresse\",\"latitude\",", answer.Text, StringComparison.Ordinal);
        Assert.Contains("\n\"Le \"\"Grand\"\" Café\",\"10 rue des sapins\nPouembout\",\"-21.120919\",", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", answer.Text, StringComparison.Ordinal); // the input's line ends
        Assert.EndsWith(",\"ok\"\n", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Utf8_BOM_in_gives_a_BOM_out_and_none_without()
    {
        byte[] withBom = [0xEF, 0xBB, 0xBF, .. Utf8("adresse\n10 rue des sapins pouembout\n")];
        var bom = await Csv.PostAsync(Client, "/search/csv", withBom);
        Assert.True(bom.Code == 200, bom.ToString());
        Assert.Equal([0xEF, 0xBB, 0xBF], bom.Bytes[..3]);
        Assert.StartsWith("\uFEFFadresse;latitude;", bom.Text, StringComparison.Ordinal); // the BOM is not part of the first column's name
        Assert.EndsWith(";ok\n", bom.Text, StringComparison.Ordinal);

        var plain = await Csv.PostAsync(Client, "/search/csv", Utf8("adresse\n10 rue des sapins pouembout\n"));
        Assert.Equal((byte)'a', plain.Bytes[0]);
    }

    [Fact]
    public async Task Latin1_file_is_read_and_answered_in_latin1()
    {
        var latin1 = Encoding.Latin1;
        byte[] input = latin1.GetBytes("lieu;adresse\r\nMairie é;10 rue des sapins pouembout\r\n");
        var answer = await Csv.PostAsync(Client, "/search/csv", input, before: [("encoding", "latin-1"), ("columns", "adresse")], decode: latin1);

        Assert.True(answer.Code == 200, answer.ToString());
        Assert.Equal("latin-1", answer.Response.Content.Headers.ContentType?.CharSet);
        Assert.Contains("Mairie é;10 rue des sapins pouembout;", answer.Text, StringComparison.Ordinal);
        Assert.Contains(";988, Nouvelle-Calédonie;", answer.Text, StringComparison.Ordinal);
        Assert.Equal(2, answer.Bytes.Count(static b => b == 0xE9)); // é in the input row and in the context, one byte each
        Assert.DoesNotContain((byte)0xC3, answer.Bytes); // no UTF-8
    }

    [Fact]
    public async Task Csv_answers_are_gzip_compressed_when_accepted()
    {
        using var client = fixture.Server.NewClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Encoding", "gzip");
        var answer = await Csv.PostAsync(client, "/search/csv", Utf8("adresse\n10 rue des sapins pouembout\n"));

        Assert.True(answer.Code == 200, answer.ToString());
        Assert.Equal("gzip", string.Join(",", answer.Response.Content.Headers.ContentEncoding));
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(answer.Bytes), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        string text = await reader.ReadToEndAsync();
        Assert.StartsWith("adresse;latitude;longitude;", text, StringComparison.Ordinal);
        Assert.EndsWith(";ok\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fields_after_the_file_are_honoured_by_spooling_it_first()
    {
        string input = "a;b\n10 rue des sapins;Pouembout\n";
        var before = await Csv.PostAsync(Client, "/search/csv", Utf8(input), before: [("columns", "a"), ("min_score", "0.2")]);
        var after = await Csv.PostAsync(Client, "/search/csv", Utf8(input), after: [("columns", "a"), ("min_score", "0.2")]);

        Assert.True(after.Code == 200, after.ToString());
        Assert.Equal(before.Text, after.Text);
        var row = Csv.Row(after.Lines[0], after.Lines[1], ';');
        Assert.Equal("ok", row["result_status"]);
    }

    [Fact]
    public async Task Rows_geocoded_in_parallel_blocks_come_back_in_input_order_with_the_answer_search_gives_each()
    {
        // Many rows (several blocks of the parallel pass), each one of ~100 different queries in a fixed shuffle, so a
        // row written out of order or given another row's answer shows as a wrong id or label.
        var labels = new List<string>();
        foreach (string word in (string[])["rue", "avenue", "route", "chemin", "allee", "impasse", "boulevard", "lotissement"])
        {
            var found = await Geo.GetAsync(Client, $"/search?q={word}&limit=20&autocomplete=0");
            Assert.True(found.Code == 200, found.ToString());
            labels.AddRange(found.Features.Select(static f => f.GetProperty("properties").GetProperty("label").GetString()!));
        }

        labels = [.. labels.Distinct(StringComparer.Ordinal)];
        Assert.True(labels.Count >= 50, $"only {labels.Count} distinct labels to build queries from");
        var random = new Random(20261202);
        string[] queries = [.. Enumerable.Range(0, 500).Select(_ => labels[random.Next(labels.Count)])];
        string input = "id,q\n" + string.Concat(queries.Select(static (q, i) => $"{i},\"{q}\"\n"));

        var answer = await Csv.PostAsync(Client, "/search/csv", Utf8(input), before: [("columns", "q")]);

        Assert.True(answer.Code == 200, answer.ToString());
        Assert.Equal(queries.Length + 1, answer.Lines.Length);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string q in queries.Distinct(StringComparer.Ordinal))
        {
            var search = await Geo.GetAsync(Client, "/search?q=" + Uri.EscapeDataString(q) + "&autocomplete=0&limit=3");
            expected[q] = search.Features.Length > 0 ? search.Properties(0).GetProperty("label").GetString()! : string.Empty;
        }

        for (int i = 0; i < queries.Length; i++)
        {
            var row = Csv.Row(answer.Lines[0], answer.Lines[i + 1], ',');
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), row["id"]);
            Assert.Equal(queries[i], row["q"]);
            Assert.Equal(expected[queries[i]], row["result_label"]);
        }
    }

    [Fact]
    public async Task Filter_columns_and_min_score_apply_per_row()
    {
        string input = "q,cc\nrue des sapins,98825\nrue des sapins,98811\n";
        var answer = await Csv.PostAsync(Client, "/search/csv", Utf8(input), before: [("columns", "q"), ("citycode", "cc")]);
        Assert.True(answer.Code == 200, answer.ToString());
        var inPouembout = Csv.Row(answer.Lines[0], answer.Lines[1], ',');
        Assert.Equal("98825", inPouembout["result_citycode"]);
        var elsewhere = Csv.Row(answer.Lines[0], answer.Lines[2], ',');
        Assert.NotEqual("98825", elsewhere["result_citycode"]);

        var strict = await Csv.PostAsync(Client, "/search/csv", Utf8(input), before: [("columns", "q"), ("min_score", "0.99")]);
        Assert.All(strict.Lines.Skip(1), static line => Assert.EndsWith(",not-found", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reverse_csv_appends_the_nearest_answer_to_rows_with_coordinates()
    {
        string input = "nom,lat,lon\nici,-21.120919,164.900792\nnulle part,abc,\n";
        var answer = await Csv.PostAsync(Client, "/reverse/csv", Utf8(input));

        Assert.True(answer.Code == 200, answer.ToString());
        Assert.StartsWith("nom,lat,lon,result_latitude,result_longitude,result_label,result_distance,result_type,result_id,result_housenumber,result_name,", answer.Lines[0], StringComparison.Ordinal);
        var here = Csv.Row(answer.Lines[0], answer.Lines[1], ',');
        Assert.Equal("0", here["result_distance"]);
        Assert.Equal("98825_y6as4k_00010", here["result_id"]);
        Assert.Equal("ok", here["result_status"]);
        Assert.EndsWith(",skipped", answer.Lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_uploads_get_400_with_Addoks_titles()
    {
        string input = "adresse;ville\n10 rue des sapins;Pouembout\n";
        var badColumn = await Csv.PostAsync(Client, "/search/csv", Utf8(input), before: [("columns", "rue")]);
        Geo.AssertError(await AsGeo(badColumn), 400, "Cannot found column 'rue' in columns ['adresse', 'ville']");

        var badFilter = await Csv.PostAsync(Client, "/search/csv", Utf8(input), before: [("postcode", "cp")]);
        Geo.AssertError(await AsGeo(badFilter), 400, "Cannot found column 'cp' in columns ['adresse', 'ville']");

        var empty = await Csv.PostAsync(Client, "/search/csv", []);
        Geo.AssertError(await AsGeo(empty), 400, "Empty file");

        var badEncoding = await Csv.PostAsync(Client, "/search/csv", Utf8(input), before: [("encoding", "klingon")]);
        Geo.AssertError(await AsGeo(badEncoding), 400, "Unable to decode with encoding \"klingon\"");

        var notUtf8 = await Csv.PostAsync(Client, "/search/csv", [(byte)'a', 0xFF, 0xFE, (byte)'\n']);
        Geo.AssertError(await AsGeo(notUtf8), 400, "Unable to decode with encoding \"utf-8-sig\"");

        var badMinScore = await Csv.PostAsync(Client, "/search/csv", Utf8(input), before: [("min_score", "high")]);
        Geo.AssertError(await AsGeo(badMinScore), 400, "Invalid parameter");

        using var noFile = new MultipartFormDataContent { { new StringContent("x"), "columns" } };
        var missing = await Client.PostAsync(new Uri("/search/csv", UriKind.Relative), noFile);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("Missing file", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var notMultipart = new StringContent("adresse\nx\n", Encoding.UTF8, "text/csv");
        var plain = await Client.PostAsync(new Uri("/search/csv", UriKind.Relative), notMultipart);
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);

        using var truncated = new StringContent("--abc\r\nContent-Disposition: form-data; name=\"data\"; filename=\"a.csv\"\r\n\r\nadresse\n", Encoding.UTF8);
        truncated.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=abc");
        var cut = await Client.PostAsync(new Uri("/search/csv", UriKind.Relative), truncated);
        Assert.True((int)cut.StatusCode is >= 400 and < 500, $"{cut.StatusCode}");
    }

    /// <summary>Random small files (quotes, delimiters, line breaks, odd characters; seed printed in failures): 200 or 4xx, never 500.</summary>
    [Fact]
    public async Task Random_files_get_an_answer_or_a_400_never_a_500()
    {
        const int seed = 20261201;
        var random = new Random(seed);
        const string alphabet = "abc rue 12 bis;,\t\"\r\n'éÿ€\u0000\uFEFF|";
        for (int i = 0; i < 60; i++)
        {
            var text = new StringBuilder();
            int length = random.Next(0, 300);
            for (int j = 0; j < length; j++)
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }

            string path = i % 3 == 0 ? "/reverse/csv" : "/search/csv";
            (string, string)[] fields = (i % 4) switch
            {
                0 => [],
                1 => [("delimiter", ";")],
                2 => [("encoding", "latin-1")],
                _ => [("quote", "'"), ("min_score", "0")],
            };
            var answer = await Csv.PostAsync(Client, path, Utf8(text.ToString()), before: fields);
            Assert.True(answer.Code is 200 or 400, $"seed {seed}, file {i} ({path}): {answer}\ninput: {text}");
        }
    }

    /// <summary>The BAN's result_status rules (livingdata-co/addok-geocode-stream): what is sent, what is refused, what is found.</summary>
    [Theory]
    [InlineData("10 rue des sapins pouembout", "ok")]
    [InlineData("rue des sapins pouembout", "ok")]
    [InlineData("zzqxw vvkjy", "not-found")] // geocoded, nothing above min_score
    [InlineData("ab", "skipped")] // under 3 characters: not sent
    [InlineData("  ab  ", "skipped")] // trimmed first
    [InlineData("-- rue des sapins", "skipped")] // starts with neither a letter nor a digit
    [InlineData("(rue des sapins)", "skipped")]
    [InlineData("", "skipped")]
    [InlineData("Ézzqxw vvkjy", "not-found")] // an accented letter is a letter: sent, not found
    public async Task Search_csv_result_status_follows_the_BAN_rules(string query, string status)
    {
        var answer = await Csv.PostAsync(Client, "/search/csv", Utf8("id;q\n1;" + query + "\n"), before: [("columns", "q")]);
        Assert.True(answer.Code == 200, answer.ToString());
        var row = Csv.Row(answer.Lines[0], answer.Lines[1], ';');
        Assert.Equal(status, row["result_status"]);
        Assert.Equal(status == "ok", row["result_label"].Length > 0);
    }

    [Fact]
    public async Task Search_csv_marks_a_query_over_200_characters_error_and_answers_the_other_rows()
    {
        string input = "id,q\n1," + string.Join(' ', Enumerable.Repeat("rue des sapins", 20)) + "\n2,10 rue des sapins pouembout\n";
        var answer = await Csv.PostAsync(Client, "/search/csv", Utf8(input), before: [("columns", "q")]);
        Assert.True(answer.Code == 200, answer.ToString());
        Assert.Equal("error", Csv.Row(answer.Lines[0], answer.Lines[1], ',')["result_status"]);
        Assert.Equal("ok", Csv.Row(answer.Lines[0], answer.Lines[2], ',')["result_status"]);
    }

    [Theory]
    [InlineData("-21.120919", "164.900792", "ok")]
    [InlineData("-21.120919", "", "skipped")] // a coordinate missing
    [InlineData("abc", "164.900792", "skipped")] // not a number
    [InlineData("0", "164.900792", "skipped")] // 0 is "no coordinate" for the BAN and for Addok
    [InlineData("-95", "164.900792", "error")] // out of range: Addok refuses it
    [InlineData("-21.120919", "190", "error")]
    [InlineData("48.85", "2.35", "not-found")] // Paris: nothing within 10 km in New Caledonia
    public async Task Reverse_csv_result_status_follows_the_BAN_rules(string lat, string lon, string status)
    {
        var answer = await Csv.PostAsync(Client, "/reverse/csv", Utf8($"lat,lon\n{lat},{lon}\n"));
        Assert.True(answer.Code == 200, answer.ToString());
        var row = Csv.Row(answer.Lines[0], answer.Lines[1], ',');
        Assert.Equal(status, row["result_status"]);
        Assert.Equal(status == "ok", row["result_id"].Length > 0);
    }

    private static Task<Geo.Answer> AsGeo(Csv.Answer answer)
    {
        var json = answer.Text.Length > 0 && answer.Text[0] == '{' ? System.Text.Json.JsonDocument.Parse(answer.Text).RootElement.Clone() : default;
        return Task.FromResult(new Geo.Answer(answer.Status, answer.ContentType, json, answer.Text, answer.Response));
    }
}
