using System.Text;
using Xunit.Abstractions;

namespace Crossroads.Server.Tests.Geocoder;

/// <summary>Runs alone (no other test allocating in this process), since it measures the managed heap.</summary>
[CollectionDefinition(nameof(GeocoderCsvStreamingTests), DisableParallelization = true)]
public sealed class GeocoderCsvStreamingCollection;

/// <summary>A large CSV upload is answered row by row while it arrives, in constant memory.</summary>
[Collection(nameof(GeocoderCsvStreamingTests))]
public sealed class GeocoderCsvStreamingTests(ITestOutputHelper output)
{
    /// <summary>
    /// A 20 MB upload sent with chunked encoding (no Content-Length, so the chassis' 1 MB default does not refuse it) by a
    /// raw HTTP/1.1 client that reads the answer while it writes (HttpClient waits for the whole upload before handing out
    /// a 2xx answer): the answer starts before the upload ends, every row is answered, and the server's managed heap,
    /// measured after full collections while the upload runs, does not grow with the file.
    /// </summary>
    [Fact]
    public async Task A_20_MB_upload_is_answered_while_it_streams_in_and_memory_does_not_grow_with_it()
    {
        const int rows = 20_000;
        string padding = new('x', 1_000);
        string[] streets = ["10 rue des sapins", "rue des cagous", "route du lycee", "rue paul kuhn"];
        var memory = new List<long>();
        await using var server = await GeocoderServer.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, timeout.Token);
        var stream = tcp.GetStream();
        var firstAnswerByte = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool uploadEnded = false;
        var reading = Task.Run(() => ReadChunkedAnswerAsync(stream, () => firstAnswerByte.TrySetResult(Volatile.Read(ref uploadEnded)), timeout.Token));

        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        async Task Chunk(string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(bytes.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n"), timeout.Token);
            await stream.WriteAsync(bytes, timeout.Token);
            await stream.WriteAsync("\r\n"u8.ToArray(), timeout.Token);
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /search/csv HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nTransfer-Encoding: chunked\r\n"
            + "Content-Type: multipart/form-data; boundary=b0undary\r\nConnection: close\r\n\r\n"), timeout.Token);
        await Chunk("--b0undary\r\nContent-Disposition: form-data; name=\"columns\"\r\n\r\nadresse\r\n"
            + "--b0undary\r\nContent-Disposition: form-data; name=\"columns\"\r\n\r\nville\r\n"
            + "--b0undary\r\nContent-Disposition: form-data; name=\"data\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n"
            + "adresse;ville;padding\r\n");
        var chunk = new StringBuilder();
        long sent = 0;
        for (int i = 0; i < rows; i++)
        {
            chunk.Append(streets[i % streets.Length]).Append(";Pouembout;").Append(padding).Append("\r\n");
            if (chunk.Length > 256 * 1024 || i == rows - 1)
            {
                sent += chunk.Length;
                await Chunk(chunk.ToString());
                chunk.Clear();
            }

            if (i % 4_000 == 2_000)
            {
                memory.Add(GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }

        await Chunk("\r\n--b0undary--\r\n");
        Volatile.Write(ref uploadEnded, true);
        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), timeout.Token);

        var (status, lines, ok) = await reading;
        output.WriteLine($"{rows} rows, {sent} bytes in {clock.ElapsedMilliseconds} ms; heap growth after full GCs during the upload: {string.Join(", ", memory)} bytes");
        Assert.False(await firstAnswerByte.Task, "the answer waited for the whole upload");
        Assert.Equal(200, status);
        Assert.Equal(rows + 1, lines);
        Assert.Equal(rows, ok);
        Assert.True(sent >= 20_000_000, $"{sent} bytes sent");
        Assert.True(memory.Count >= 4, string.Join(",", memory));
        // The file is 20 MB (40 MB as .NET strings); a server holding it would show it here.
        Assert.True(memory.Max() < 12 * 1024 * 1024, $"heap growth during the upload (bytes): {string.Join(", ", memory)}");
    }

    /// <summary>
    /// Reads a chunked HTTP/1.1 answer as it arrives, keeping nothing but counters (this process is also the server whose
    /// heap is measured): the status, the number of lines and of lines ending in ";ok".
    /// </summary>
    private static async Task<(int Status, int Lines, int Ok)> ReadChunkedAnswerAsync(Stream network, Action onFirstByte, CancellationToken cancellationToken)
    {
        var stream = new BufferedStream(network, 64 * 1024);
        var one = new byte[1];
        var line = new StringBuilder();
        async Task<string> ReadLineAsync()
        {
            line.Clear();
            while (await stream.ReadAsync(one, cancellationToken) == 1)
            {
                if (one[0] == (byte)'\n')
                {
                    return line.ToString().TrimEnd('\r');
                }

                line.Append((char)one[0]);
            }

            return line.ToString();
        }

        string statusLine = await ReadLineAsync();
        onFirstByte();
        int status = int.Parse(statusLine.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        while ((await ReadLineAsync()).Length > 0)
        {
            // headers
        }

        int lines = 0, ok = 0;
        byte a = 0, b = 0, c = 0; // the last three bytes of the current line
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int size = int.Parse((await ReadLineAsync()).Split(';')[0], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            if (size == 0)
            {
                break;
            }

            while (size > 0)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(size, buffer.Length)), cancellationToken);
                Assert.True(n > 0, "the answer was cut");
                for (int i = 0; i < n; i++)
                {
                    byte x = buffer[i];
                    if (x == (byte)'\n')
                    {
                        lines++;
                        ok += a == (byte)';' && b == (byte)'o' && c == (byte)'k' ? 1 : 0;
                        a = b = c = 0;
                    }
                    else if (x != (byte)'\r')
                    {
                        a = b;
                        b = c;
                        c = x;
                    }
                }

                size -= n;
            }

            await ReadLineAsync(); // the CRLF after the chunk
        }

        return (status, lines, ok);
    }
}
