using System.Text;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// Reads CSV records one at a time from a text stream (RFC 4180 with Python's lenient rules: quoted fields may hold
/// delimiters, doubled quotes and line breaks; a stray quote inside an unquoted field is kept). Memory is one buffer
/// plus the current record, whatever the file's size; a record longer than <see cref="MaxRecordChars"/> is refused.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader)
{
    public const int MaxRecordChars = 1 << 20;

    private readonly char[] _buffer = new char[64 * 1024];
    private readonly StringBuilder _field = new();
    private int _pos;
    private int _len;
    private bool _eof;

    public char Delimiter { get; set; } = ',';

    public char Quote { get; set; } = '"';

    /// <summary>Whether every field of the last record was quoted.</summary>
    public bool AllQuoted { get; private set; }

    /// <summary>The line terminator of the first record ("\r\n", "\n" or "\r"), "\r\n" when it had none.</summary>
    public string? FirstTerminator { get; private set; }

    /// <summary>Reads until the buffer holds a line break or is full; returns the first line (possibly cut).</summary>
    public async ValueTask<string> PeekFirstLineAsync(CancellationToken cancellationToken)
    {
        while (!_eof && _len < _buffer.Length && _buffer.AsSpan(_pos, _len - _pos).IndexOfAny('\r', '\n') < 0)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        var span = _buffer.AsSpan(_pos, _len - _pos);
        int end = span.IndexOfAny('\r', '\n');
        return new string(end < 0 ? span : span[..end]);
    }

    /// <summary>Skips a byte order mark decoded as U+FEFF at the start; true when there was one.</summary>
    public async ValueTask<bool> SkipByteOrderMarkAsync(CancellationToken cancellationToken)
    {
        if (_pos == _len)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_pos < _len && _buffer[_pos] == '\uFEFF')
        {
            _pos++;
            return true;
        }

        return false;
    }

    /// <summary>Reads the next record into <paramref name="fields"/>; false at the end of the data.</summary>
    public async ValueTask<bool> ReadRecordAsync(List<string> fields, CancellationToken cancellationToken)
    {
        fields.Clear();
        _field.Clear();
        var state = State.FieldStart;
        bool allQuoted = true;
        bool any = false;
        int chars = 0;
        while (true)
        {
            if (_pos == _len && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!any)
                {
                    return false;
                }

                EndField(fields, state, ref allQuoted);
                FirstTerminator ??= "\r\n";
                AllQuoted = allQuoted;
                return true;
            }

            char c = _buffer[_pos++];
            any = true;
            if (++chars > MaxRecordChars)
            {
                throw new InvalidDataException($"a CSV record is longer than {MaxRecordChars} characters");
            }

            switch (state)
            {
                case State.FieldStart:
                case State.Unquoted:
                case State.AfterQuote:
                    if (c == Delimiter)
                    {
                        EndField(fields, state, ref allQuoted);
                        state = State.FieldStart;
                    }
                    else if (c is '\r' or '\n')
                    {
                        EndField(fields, state, ref allQuoted);
                        await EndLineAsync(c, cancellationToken).ConfigureAwait(false);
                        AllQuoted = allQuoted;
                        return true;
                    }
                    else if (c == Quote && state == State.FieldStart)
                    {
                        state = State.Quoted;
                    }
                    else
                    {
                        _field.Append(c);
                        state = state == State.AfterQuote ? State.AfterQuote : State.Unquoted;
                    }

                    break;
                case State.Quoted:
                    if (c == Quote)
                    {
                        if (_pos == _len)
                        {
                            await FillAsync(cancellationToken).ConfigureAwait(false);
                        }

                        if (_pos < _len && _buffer[_pos] == Quote)
                        {
                            _field.Append(Quote);
                            _pos++;
                        }
                        else
                        {
                            state = State.AfterQuote;
                        }
                    }
                    else
                    {
                        _field.Append(c);
                    }

                    break;
            }
        }
    }

    private void EndField(List<string> fields, State state, ref bool allQuoted)
    {
        allQuoted &= state is State.AfterQuote or State.Quoted;
        fields.Add(_field.ToString());
        _field.Clear();
    }

    private async ValueTask EndLineAsync(char c, CancellationToken cancellationToken)
    {
        string terminator = "\n";
        if (c == '\r')
        {
            terminator = "\r";
            if (_pos == _len)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            if (_pos < _len && _buffer[_pos] == '\n')
            {
                _pos++;
                terminator = "\r\n";
            }
        }

        FirstTerminator ??= terminator;
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_eof)
        {
            return false;
        }

        if (_pos > 0)
        {
            Array.Copy(_buffer, _pos, _buffer, 0, _len - _pos);
            _len -= _pos;
            _pos = 0;
        }

        if (_len == _buffer.Length)
        {
            return true; // full: the caller consumes first
        }

        int n = await reader.ReadAsync(_buffer.AsMemory(_len), cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            _eof = true;
            return _len > 0;
        }

        _len += n;
        return true;
    }

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        AfterQuote,
    }
}
