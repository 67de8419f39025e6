using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Crossroads.Server.Tests.Geocoder;

/// <summary>A CSV client: multipart upload as curl -F does, the answer as bytes and text.</summary>
public static class Csv
{
    public sealed record Answer(HttpStatusCode Status, string? ContentType, byte[] Bytes, string Text, HttpResponseMessage Response)
    {
        public int Code => (int)Status;

        public string[] Lines => Text.Split(["\r\n", "\n"], StringSplitOptions.None)[..^1];

        public override string ToString() => $"{Code} {Text}";
    }

    /// <summary>Posts <paramref name="data"/> as the 'data' part, with fields before it and fields after it.</summary>
    public static async Task<Answer> PostAsync(
        HttpClient client, string path, byte[] data, (string Name, string Value)[]? before = null, (string Name, string Value)[]? after = null, Encoding? decode = null, string fileName = "adresses.csv")
    {
        ArgumentNullException.ThrowIfNull(client);
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in before ?? [])
        {
            form.Add(new StringContent(value), name);
        }

        var file = new ByteArrayContent(data);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "data", fileName);
        foreach (var (name, value) in after ?? [])
        {
            form.Add(new StringContent(value), name);
        }

        var response = await client.PostAsync(new Uri(path, UriKind.Relative), form);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, bytes, (decode ?? new UTF8Encoding(false)).GetString(bytes), response);
    }

    /// <summary>A record of one line as a dictionary by header name (quoted cells with delimiters handled; no line breaks).</summary>
    public static Dictionary<string, string> Row(string header, string line, char delimiter)
    {
        var names = Split(header, delimiter);
        var values = Split(line, delimiter);
        Assert.Equal(names.Count, values.Count);
        return names.Zip(values).ToDictionary(static p => p.First, static p => p.Second);
    }

    public static List<string> Split(string line, char delimiter)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }
}
