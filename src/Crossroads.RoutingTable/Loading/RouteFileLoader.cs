using System.IO.Compression;
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
    private const int BlockSize = 1 << 20;

    /// <summary>Loads a routes file into a builder.</summary>
    /// <exception cref="RouteFileException">A line is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static RouteListBuilder Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var routes = new RouteListBuilder();
        if (!IsGzip(file))
        {
            Read(file, path, routes, checksum: null);
            return routes;
        }

        var checksum = new GzipChecksum();
        try
        {
            using var input = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            Read(input, path, routes, checksum);
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
        var routes = new RouteListBuilder();
        Read(input, name, routes, checksum: null);
        return routes;
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }

    private static void Read(Stream input, string name, RouteListBuilder routes, GzipChecksum? checksum)
    {
        byte[] buffer = new byte[BlockSize];
        int carried = 0;
        long lineNumber = 0;
        while (true)
        {
            if (carried == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2); // a single line longer than the buffer
            }

            int read = input.ReadAtLeast(buffer.AsSpan(carried), buffer.Length - carried, throwOnEndOfStream: false);
            checksum?.Append(buffer.AsSpan(carried, read));
            int available = carried + read;
            bool end = read == 0 || available < buffer.Length;
            var span = buffer.AsSpan(0, available);
            int consumed = 0;
            while (true)
            {
                int newline = span[consumed..].IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }

                ParseLine(span.Slice(consumed, newline), name, ++lineNumber, routes);
                consumed += newline + 1;
            }

            if (end)
            {
                if (consumed < available)
                {
                    ParseLine(span[consumed..], name, ++lineNumber, routes);
                }

                return;
            }

            carried = available - consumed;
            span[consumed..].CopyTo(buffer);
        }
    }

    private static void ParseLine(ReadOnlySpan<byte> line, string name, long lineNumber, RouteListBuilder routes)
    {
        ReadOnlySpan<byte> text = line.Trim(" \t\r"u8);
        if (text.IsEmpty || text[0] == '#')
        {
            return;
        }

        int separator = text.IndexOf((byte)';');
        if (separator < 0 || text[(separator + 1)..].IndexOf((byte)';') >= 0)
        {
            throw Error(name, lineNumber, line, "expected 'prefix;next_hop'");
        }

        string? error = IpTextParser.TryParsePrefix(text[..separator].Trim(" \t"u8), out var prefix);
        if (error is not null)
        {
            throw Error(name, lineNumber, line, error);
        }

        if (!IpTextParser.TryParseAddress(text[(separator + 1)..].Trim(" \t"u8), out var nextHop))
        {
            throw Error(name, lineNumber, line, "invalid next hop");
        }

        routes.Add(prefix, nextHop);
    }

    private static RouteFileException Error(string name, long lineNumber, ReadOnlySpan<byte> line, string reason) =>
        new(name, lineNumber, Encoding.UTF8.GetString(line.TrimEnd("\r"u8)), reason);
}
