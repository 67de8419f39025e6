using System.Net;
using System.Text;
using System.Text.Json;

namespace Crossroads.Server.Tests.Geocoder;

/// <summary>
/// A CSV upload over <c>Geocoder:CsvMaxBytes</c> sent without a declared length (chunked): the server finds out while
/// reading it, and before the answer starts that is a 413 naming the limit, as a declared length over it is.
/// </summary>
public sealed class GeocoderCsvLimitTests
{
    private const int Limit = 4096;

    [Theory]
    [InlineData("/search/csv")]
    [InlineData("/reverse/csv")]
    public async Task A_chunked_upload_over_the_csv_limit_is_a_413_problem_naming_the_limit(string path)
    {
        await using var server = await GeocoderServer.StartAsync(false, "--Geocoder:CsvMaxBytes", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The file first, its parameters after it: the rows wait for them, so nothing is answered while the body is read.
        var rows = new StringBuilder("adresse,lat,lon\n");
        while (rows.Length < 4 * Limit)
        {
            rows.Append("10 rue des sapins pouembout,-21.120919,164.900792\n");
        }

        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(rows.ToString())), "data", "adresses.csv");
        form.Add(new StringContent("adresse"), "columns");
        byte[] body = await form.ReadAsByteArrayAsync();
        using var content = new UnknownLengthContent(body);
        content.Headers.ContentType = form.Headers.ContentType;

        using var response = await server.Client.PostAsync(new Uri(path, UriKind.Relative), content);

        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.Contains(Limit.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A body whose length is not declared, so the client sends it chunked.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
