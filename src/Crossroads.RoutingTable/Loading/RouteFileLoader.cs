using System.Buffers;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable.Loading;

/// <summary>
/// Reads route files: one <c>prefix;next_hop</c> per line, blank lines and <c>#</c> comments skipped,
/// gzip recognised by its magic bytes. Parsing works on the raw bytes, so loading a million routes
/// allocates no per-line strings. Any malformed line fails the whole load: a table is never served half-read.
/// </summary>
public static class RouteFileLoader
{
    // Bytes asked of the (decompressing) stream at a time.
    private const int ReadSize = 256 << 10;

    // Parse work is handed out in chunks of about this size (the full table's 33 MB makes ~19 of them); with the read
    // size it fills a 2 MiB pooled buffer exactly.
    private const int ChunkSize = (2 << 20) - ReadSize;

    /// <summary>Loads a routes file into a builder.</summary>
    /// <exception cref="RouteFileException">A line is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static RouteListBuilder Load(string path) => Load(path, ChunkSize, ReadSize);

    /// <summary>Loads a routes file with chosen chunk and read sizes (tests use small ones to cut files into many chunks).</summary>
    internal static RouteListBuilder Load(string path, int chunkSize, int readSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        if (!IsGzip(file))
        {
            return Read(file, path, checksum: null, chunkSize, readSize);
        }

        var checksum = new GzipChecksum();
        RouteListBuilder routes;
        try
        {
            using var input = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            routes = Read(input, path, checksum, chunkSize, readSize);
        }
        catch (InvalidDataException e)
        {
            throw new RouteFileException($"{path}: not a valid gzip file ({e.Message})", e);
        }

        // GZipStream reports a stream cut at a block boundary, or missing its trailer, as a normal end:
        // compare the trailer's CRC-32 and length with what was read, so a truncated file never loads.
        if (!checksum.MatchesTrailer(file))
        {
            throw new RouteFileException(
                $"{path}: gzip data is truncated or damaged (CRC-32/length trailer does not match the content; multi-member gzip files are not supported)");
        }

        return routes;
    }

    /// <summary>Loads routes from a stream of text (uncompressed); <paramref name="name"/> is used in errors.</summary>
    public static RouteListBuilder Load(Stream input, string name)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Read(input, name, checksum: null, ChunkSize, ReadSize);
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }

    // Reads the text in chunks of about ChunkSize bytes cut after a newline, and parses each chunk into a builder of
    // its own on the thread pool while this thread goes on reading (and, for gzip, decompressing): on two cores the
    // parse of one chunk overlaps the decompression of the next, and chunks parse side by side once reading is done.
    // The builders are joined in file order, so the result is what one sequential pass gives. Each chunk knows the
    // number of its first line (newlines are counted as chunks are cut), so errors name the right line, and when
    // several chunks have errors the first one in the file is reported.
    private static RouteListBuilder Read(Stream input, string name, GzipChecksum? checksum, int chunkSize, int readSize)
    {
        var chunks = new List<Task<RouteListBuilder>>();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunkSize + readSize);
        int length = 0;
        long firstLine = 1;
        Exception? readError = null;
        try
        {
            while (true)
            {
                if (length + readSize > buffer.Length)
                {
                    // A line longer than a chunk: keep reading into a larger buffer until its end.
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = input.ReadAtLeast(buffer.AsSpan(length, readSize), readSize, throwOnEndOfStream: false);
                checksum?.Append(buffer.AsSpan(length, read));
                length += read;
                bool end = read < readSize;
                if (!end && length < chunkSize)
                {
                    continue;
                }

                // Cut after the last complete line; the partial line starts the next chunk.
                int cut = end ? length : buffer.AsSpan(0, length).LastIndexOf((byte)'\n') + 1;
                if (cut > 0)
                {
                    byte[] next = ArrayPool<byte>.Shared.Rent(chunkSize + readSize);
                    buffer.AsSpan(cut, length - cut).CopyTo(next);
                    int lines = buffer.AsSpan(0, cut).Count((byte)'\n'); // counted before the chunk's parse returns the buffer
                    byte[] text = buffer;
                    buffer = next;
                    length -= cut;
                    chunks.Add(StartChunk(text, cut, lines + 1, name, firstLine, inline: end));
                    firstLine += lines;
                }

                if (end)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            readError = e; // reported after a bad line before the damage, as a sequential read would
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            // Never leave a parse running past this call. Wait() also runs a chunk still queued on this thread.
            foreach (var chunk in chunks)
            {
                try
                {
                    chunk.Wait();
                }
                catch (AggregateException)
                {
                    // Rethrown below, in file order.
                }
            }
        }

        var parts = new RouteListBuilder[chunks.Count];
        for (int i = 0; i < chunks.Count; i++)
        {
            parts[i] = chunks[i].GetAwaiter().GetResult(); // the first failed chunk in file order throws
        }

        if (readError is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(readError);
        }

        return RouteListBuilder.Concat(parts);
    }

    // The last chunk (the thread that read the file has nothing else to do) is parsed inline.
    private static Task<RouteListBuilder> StartChunk(byte[] text, int length, int lines, string name, long firstLine, bool inline)
    {
        if (inline)
        {
            try
            {
                return Task.FromResult(ParseChunk(text, length, lines, name, firstLine));
            }
            catch (Exception e) when (e is RouteFileException or InvalidOperationException)
            {
                return Task.FromException<RouteListBuilder>(e);
            }
        }

        return Task.Run(() => ParseChunk(text, length, lines, name, firstLine));
    }

    // Parses one chunk and returns its buffer to the pool. Compiled optimized at its first call, with the line parse
    // inlined: the parse runs once, during start, while the host is still JIT-compiling, and the runtime waits until
    // it has stopped compiling new methods for 100 ms before it promotes any; so the default first tier (unoptimized
    // code, kept for the whole parse) made the cold parse ~3x the warm one. ReadyToRun does not cover this code: any
    // method passing or operating on UInt128 (IpAddress, IpPrefix) is left to the JIT by crossgen2.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RouteListBuilder ParseChunk(byte[] text, int length, int lines, string name, long firstLine)
    {
        try
        {
            // Sized for the chunk's lines, so its arrays are not regrown as it is parsed: every line may be an IPv4
            // route; IPv6 routes get a third of that and grow if there are more (the full table has 23 %).
            var routes = new RouteListBuilder(lines, (lines / 3) + 16);
            var span = text.AsSpan(0, length);
            long lineNumber = firstLine;
            while (!span.IsEmpty)
            {
                int newline = span.IndexOf((byte)'\n');
                ParseLine(newline < 0 ? span : span[..newline], name, lineNumber++, routes);
                span = newline < 0 ? default : span[(newline + 1)..];
            }

            return routes;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(text);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ParseLine(ReadOnlySpan<byte> line, string name, long lineNumber, RouteListBuilder routes)
    {
        ReadOnlySpan<byte> text = TrimBlanks(line, trimReturn: true);
        if (text.IsEmpty || text[0] == '#')
        {
            return;
        }

        int separator = text.IndexOf((byte)';');
        if (separator < 0 || text[(separator + 1)..].IndexOf((byte)';') >= 0)
        {
            throw Error(name, lineNumber, line, "expected 'prefix;next_hop'");
        }

        string? error = IpTextParser.TryParsePrefix(TrimBlanks(text[..separator], trimReturn: false), out var prefix);
        if (error is not null)
        {
            throw Error(name, lineNumber, line, error);
        }

        if (!IpTextParser.TryParseAddress(TrimBlanks(text[(separator + 1)..], trimReturn: false), out var nextHop))
        {
            throw Error(name, lineNumber, line, "invalid next hop");
        }

        routes.Add(prefix, nextHop);
    }

    // Trim(" \t\r"u8) without the generic span helper, which nothing precompiles for bytes: inlined here, it is
    // optimized with the parse instead of running unoptimized three times a line.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> TrimBlanks(ReadOnlySpan<byte> text, bool trimReturn)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && IsBlank(text[start], trimReturn))
        {
            start++;
        }

        while (end > start && IsBlank(text[end - 1], trimReturn))
        {
            end--;
        }

        return text[start..end];
    }

    private static bool IsBlank(byte c, bool orReturn) => c == ' ' || c == '\t' || (orReturn && c == '\r');

    private static RouteFileException Error(string name, long lineNumber, ReadOnlySpan<byte> line, string reason) =>
        new(name, lineNumber, Encoding.UTF8.GetString(line.TrimEnd("\r"u8)), reason);
}
