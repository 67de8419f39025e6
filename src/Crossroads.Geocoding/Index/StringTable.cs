using System.Text;

namespace Crossroads.Geocoding.Index;

/// <summary>
/// Strings stored once as UTF-8 in one byte column with an offset column (no object per string), read in place from
/// the index image. Decoding allocates; the hot search paths compare bytes or only decode the few strings of the
/// results they render.
/// </summary>
internal readonly struct StringPool
{
    private readonly Column<byte> _bytes;
    private readonly Column<long> _offsets;

    public StringPool(Column<byte> bytes, Column<long> offsets)
    {
        _bytes = bytes;
        _offsets = offsets;
    }

    public int Count => _offsets.Length - 1;

    public long MemoryBytes => _bytes.LongLength + (_offsets.LongLength * 8);

    public string this[int index] => Encoding.UTF8.GetString(Bytes(index));

    /// <summary>The UTF-8 bytes of one string, in place.</summary>
    public ReadOnlySpan<byte> Bytes(int index) =>
        _bytes.Slice((int)_offsets[index], (int)(_offsets[index + 1] - _offsets[index]));

    /// <summary>Decodes every string (for the small tables the search looks up by value).</summary>
    public string[] ToArray()
    {
        var values = new string[Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = this[i];
        }
        return values;
    }

    /// <summary>Appends strings as UTF-8 to one growing buffer; the result is written as two sections.</summary>
    public sealed class Builder
    {
        private byte[] _bytes = new byte[4096];
        private long _length;
        private readonly List<long> _offsets = [0];

        public int Count => _offsets.Count - 1;

        public int Add(string value)
        {
            var max = Encoding.UTF8.GetMaxByteCount(value.Length);
            if (_length + max > _bytes.Length)
            {
                var grown = Math.Max(_bytes.LongLength * 2, _length + max);
                if (grown > Array.MaxLength)
                {
                    throw new InvalidOperationException("a string pool of the geocoder index exceeds 2 GB");
                }
                Array.Resize(ref _bytes, (int)grown);
            }
            _length += Encoding.UTF8.GetBytes(value, _bytes.AsSpan((int)_length));
            _offsets.Add(_length);
            return _offsets.Count - 2;
        }

        public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, (int)_length);

        public ReadOnlySpan<long> Offsets => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_offsets);
    }
}

/// <summary>Repeated values (cities, postcodes, contexts, types, housenumber strings) interned once, referenced by index.</summary>
internal sealed class InternTable
{
    private readonly List<string> _values = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public int Intern(string value)
    {
        if (!_index.TryGetValue(value, out var id))
        {
            id = _values.Count;
            _values.Add(value);
            _index[value] = id;
        }
        return id;
    }

    public IReadOnlyList<string> Values => _values;

    public static long MemoryBytes(string[] values)
    {
        long total = values.LongLength * 8;
        foreach (var v in values)
        {
            total += 24 + (v.Length * 2);
        }
        return total;
    }
}
