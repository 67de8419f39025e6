using System.Buffers;
using System.Text;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// Writes CSV records in the input's dialect and encoding (characters the encoding lacks become '?'), buffering up to
/// a flush: rows are encoded into one reusable byte buffer and written to the response as it fills.
/// </summary>
internal sealed class CsvOutput
{
    private readonly Stream _body;
    private readonly Encoder _encoder;
    private readonly CsvDialect _dialect;
    private readonly StringBuilder _record = new();
    private readonly ArrayBufferWriter<byte> _bytes = new(64 * 1024);
    private char[] _chars = new char[1024];

    public CsvOutput(Stream body, Encoding encoding, CsvDialect dialect, bool byteOrderMark)
    {
        _body = body;
        var output = (Encoding)encoding.Clone();
        output.EncoderFallback = new EncoderReplacementFallback("?");
        _encoder = output.GetEncoder();
        _dialect = dialect;
        if (byteOrderMark)
        {
            _bytes.Write((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]);
        }
    }

    /// <summary>Bytes waiting for <see cref="FlushAsync"/>.</summary>
    public int Pending => _bytes.WrittenCount;

    public void WriteRecord(IReadOnlyList<string> fields)
    {
        _record.Clear();
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                _record.Append(_dialect.Delimiter);
            }

            AppendField(fields[i], fields.Count == 1);
        }

        _record.Append(_dialect.LineTerminator);
        if (_chars.Length < _record.Length)
        {
            _chars = new char[Math.Max(_record.Length, _chars.Length * 2)];
        }

        _record.CopyTo(0, _chars, 0, _record.Length);
        var chars = _chars.AsSpan(0, _record.Length);
        var span = _bytes.GetSpan(_encoder.GetByteCount(chars, flush: false));
        _bytes.Advance(_encoder.GetBytes(chars, span, flush: false));
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_bytes.WrittenCount == 0)
        {
            return;
        }

        await _body.WriteAsync(_bytes.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await _body.FlushAsync(cancellationToken).ConfigureAwait(false);
        _bytes.ResetWrittenCount();
    }

    private void AppendField(string value, bool only)
    {
        char quote = _dialect.Quote;
        bool quoted = _dialect.QuoteAll
            || (only && value.Length == 0)
            || value.AsSpan().IndexOfAny(_dialect.Delimiter, quote, '\r') >= 0
            || value.Contains('\n', StringComparison.Ordinal);
        if (!quoted)
        {
            _record.Append(value);
            return;
        }

        _record.Append(quote);
        foreach (char c in value)
        {
            if (c == quote)
            {
                _record.Append(quote);
            }

            _record.Append(c);
        }

        _record.Append(quote);
    }
}
