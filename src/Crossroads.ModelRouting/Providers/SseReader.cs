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
    public async ValueTask<SseEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        string? eventName = null;
        bool hasData = false;
        _data.Clear();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return hasData ? new SseEvent(eventName, _data.ToString()) : null;
            }

            if (line.Length == 0)
            {
                if (hasData)
                {
                    return new SseEvent(eventName, _data.ToString());
                }

                eventName = null;
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..];
            if (value.Length > 0 && value[0] == ' ')
            {
                value = value[1..];
            }

            if (field == "data")
            {
                if (hasData)
                {
                    _data.Append('\n');
                }

                _data.Append(value);
                hasData = true;
            }
            else if (field == "event")
            {
                eventName = value;
            }
        }
    }
}

/// <summary>One server-sent event.</summary>
public sealed record SseEvent(string? Event, string Data);
