using System.Buffers;
using System.Text;

namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// Reads server-sent events as <see cref="SseReader"/> does (<c>event:</c> and <c>data:</c> fields, multi-line data
/// joined with newlines, comments ignored, an event dispatched at each blank line and at the end; lines end at CR,
/// LF or CRLF; a leading UTF-8 byte order mark is skipped), but straight from the body's bytes into two pooled
/// buffers: no line strings, no <see cref="StreamReader"/> buffers, no task per line. An answer of a dozen chunks
/// used to allocate ~10 KB this way (a string and a <c>Task&lt;string&gt;</c> per line, the reader's char and byte
/// buffers), a third of everything a routed request allocated.
/// </summary>
internal sealed class Utf8SseReader : IDisposable
{
    private const int InitialSize = 4096;

    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private byte[] _data = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _start;
    private int _end;
    private bool _eof;
    private bool _atStart = true;

    /// <summary>A CR ended the last line: an LF right after it belongs to that line end.</summary>
    private bool _skipLf;

    /// <summary>Reads from <paramref name="stream"/> (not disposed here).</summary>
    public Utf8SseReader(Stream stream) => _stream = stream;

    /// <summary>The next event, or null at the end of the stream; its data stays valid until the next call.</summary>
    public async ValueTask<Utf8SseEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        string? eventName = null;
        int dataLength = 0;
        bool hasData = false;
        while (true)
        {
            int lineEnd;
            while ((lineEnd = NextLineEnd()) < 0 && !_eof)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            if (lineEnd < 0 && _start == _end)
            {
                // The end, with no unterminated last line.
                return hasData ? new Utf8SseEvent(eventName, _data.AsMemory(0, dataLength)) : null;
            }

            var line = _buffer.AsSpan(_start, (lineEnd < 0 ? _end : lineEnd) - _start);
            if (lineEnd < 0)
            {
                _start = _end;
            }
            else
            {
                _skipLf = _buffer[lineEnd] == (byte)'\r';
                _start = lineEnd + 1;
            }

            if (line.IsEmpty)
            {
                if (hasData)
                {
                    return new Utf8SseEvent(eventName, _data.AsMemory(0, dataLength));
                }

                eventName = null;
                continue;
            }

            if (line[0] == (byte)':')
            {
                continue;
            }

            int colon = line.IndexOf((byte)':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? [] : line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }

            if (field.SequenceEqual("data"u8))
            {
                int needed = dataLength + (hasData ? 1 : 0) + value.Length;
                if (needed > _data.Length)
                {
                    Grow(ref _data, needed, dataLength);
                }

                if (hasData)
                {
                    _data[dataLength++] = (byte)'\n';
                }

                value.CopyTo(_data.AsSpan(dataLength));
                dataLength += value.Length;
                hasData = true;
            }
            else if (field.SequenceEqual("event"u8))
            {
                eventName = Encoding.UTF8.GetString(value);
            }
        }
    }

    /// <summary>Returns the buffers to the pool.</summary>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            ArrayPool<byte>.Shared.Return(_data);
            _buffer = [];
            _data = [];
        }
    }

    /// <summary>The index of the CR or LF ending the next line in the buffer, or -1 (an LF owed to a CR is skipped first).</summary>
    private int NextLineEnd()
    {
        if (_skipLf && _start < _end)
        {
            if (_buffer[_start] == (byte)'\n')
            {
                _start++;
            }

            _skipLf = false;
        }

        if (_atStart)
        {
            var head = _buffer.AsSpan(_start, _end - _start);
            if (head.Length < 3 && !_eof && "\uFEFF"u8.StartsWith(head))
            {
                return -1; // maybe a byte order mark: wait for its rest
            }

            if (head.StartsWith("\uFEFF"u8))
            {
                _start += 3;
            }

            _atStart = false;
        }

        int at = _buffer.AsSpan(_start, _end - _start).IndexOfAny((byte)'\r', (byte)'\n');
        return at < 0 ? -1 : _start + at;
    }

    /// <summary>Reads more of the body after what is buffered (moved to the front first; the buffer doubles when full).</summary>
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Grow(ref _buffer, _buffer.Length * 2, _end);
        }

        int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _eof = read == 0;

        _end += read;
    }

    private static void Grow(ref byte[] buffer, int atLeast, int keep)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(atLeast, buffer.Length * 2));
        buffer.AsSpan(0, keep).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = bigger;
    }
}

/// <summary>One server-sent event whose UTF-8 data lives in the reader's buffer until its next read.</summary>
internal readonly record struct Utf8SseEvent(string? Event, ReadOnlyMemory<byte> Data);
