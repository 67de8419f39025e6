using System.Text;

namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// Reads server-sent events (the WHATWG event-stream format): <c>event:</c> and <c>data:</c> fields, multi-line data
/// joined with newlines, comments (<c>:</c>) ignored, an event dispatched at each blank line (and at the end).
/// </summary>
public sealed class SseReader
{
    private readonly TextReader _reader;
    private readonly StringBuilder _data = new();

    /// <summary>Reads from <paramref name="reader"/>.</summary>
    public SseReader(TextReader reader) => _reader = reader;

    /// <summary>The next event, or null at the end of the stream.</summary>
    public async ValueTask<SseEvent?> ReadAsync(CancellationToken cancellationToken) =>
        await ReadChunkAsync(cancellationToken).ConfigureAwait(false) is { } chunk ? new SseEvent(chunk.Event, chunk.Data.ToString()) : null;

    /// <summary>
    /// The next event with its data left where it was read (usually a slice of its one data line): a parser that only
    /// reads the data need not copy it into a string of its own.
    /// </summary>
    internal async ValueTask<SseChunk?> ReadChunkAsync(CancellationToken cancellationToken)
    {
        string? eventName = null;

        // The usual event has one data line: its value is cut from that line once, at dispatch; only a second data
        // line moves the value into the builder (each chunk of an answer used to be copied four times, now not at all).
        string? firstLine = null;
        int firstStart = 0;
        bool multiLine = false;
        _data.Clear();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null || line.Length == 0)
            {
                if (firstLine is not null)
                {
                    return new SseChunk(eventName, multiLine ? _data.ToString().AsMemory() : firstLine.AsMemory(firstStart));
                }

                if (line is null)
                {
                    return null;
                }

                eventName = null;
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line.AsSpan() : line.AsSpan(0, colon);
            int start = colon < 0 ? line.Length : colon + 1;
            if (start < line.Length && line[start] == ' ')
            {
                start++;
            }

            if (field.SequenceEqual("data"))
            {
                if (firstLine is null)
                {
                    firstLine = line;
                    firstStart = start;
                    continue;
                }

                if (!multiLine)
                {
                    _data.Append(firstLine, firstStart, firstLine.Length - firstStart);
                    multiLine = true;
                }

                _data.Append('\n').Append(line, start, line.Length - start);
            }
            else if (field.SequenceEqual("event"))
            {
                eventName = line[start..];
            }
        }
    }
}

/// <summary>One server-sent event.</summary>
public sealed record SseEvent(string? Event, string Data);

/// <summary>One server-sent event whose data may be a slice of the line it came in.</summary>
internal readonly record struct SseChunk(string? Event, ReadOnlyMemory<char> Data);
