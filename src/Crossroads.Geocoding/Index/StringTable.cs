using System.Text;

namespace Crossroads.Geocoding.Index;

/// <summary>
/// Strings stored once as UTF-8 in one byte array with an offset table (no object per string). Decoding allocates;
/// the hot search paths only decode the few strings of the results they render.
/// </summary>
internal sealed class StringPool
{
    private readonly byte[] _bytes;
    private readonly long[] _offsets;

    private StringPool(byte[] bytes, long[] offsets)
    {
        _bytes = bytes;
        _offsets = offsets;
    }

    public int Count => _offsets.Length - 1;

    public long MemoryBytes => _bytes.LongLength + (_offsets.LongLength * 8);

    public string this[int index] =>
        Encoding.UTF8.GetString(_bytes, (int)_offsets[index], (int)(_offsets[index + 1] - _offsets[index]));

    public sealed class Builder
    {
        private readonly MemoryStream _bytes = new();
        private readonly List<long> _offsets = [0];

        public int Add(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            _bytes.Write(bytes);
            _offsets.Add(_bytes.Length);
            return _offsets.Count - 2;
        }

        public StringPool Build() => new(_bytes.ToArray(), [.. _offsets]);
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

    public string[] ToArray() => [.. _values];

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
