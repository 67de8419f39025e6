using Crossroads.Geocoding.Data;

namespace Crossroads.Geocoding.Index;

/// <summary>
/// Parsed import documents written to a temporary file in a compact binary form, so that an import holds no
/// <see cref="AddokDocument"/> objects (a national base is ~26 M housenumbers): the builder keeps only, per live
/// document, the offset of its latest version, and reads them back one at a time in slot order (sequentially unless an
/// update replaced an earlier line). The file is deleted when the spill is disposed.
/// </summary>
internal sealed class DocumentSpill : IDisposable
{
    private readonly FileStream _stream;
    private readonly BinaryWriter _writer;
    private readonly BinaryReader _reader;
    private bool _reading;

    public DocumentSpill(string? directory)
    {
        var dir = directory ?? Path.GetTempPath();
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $".geocoder-spill-{Guid.NewGuid():N}.tmp");
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.DeleteOnClose);
        _writer = new BinaryWriter(_stream);
        _reader = new BinaryReader(_stream);
    }

    /// <summary>Bytes written so far.</summary>
    public long Length => _stream.Length;

    /// <summary>Appends a document; returns its offset.</summary>
    public long Write(AddokDocument doc)
    {
        if (_reading)
        {
            // Documents added after a build: back to the end, with the read buffer dropped.
            _stream.Seek(0, SeekOrigin.End);
            _reading = false;
        }
        var offset = _stream.Position;
        _writer.Write(doc.Id);
        _writer.Write(doc.Type);
        WriteList(doc.Names);
        WriteList(doc.Postcodes);
        WriteList(doc.Citycodes);
        WriteList(doc.Cities);
        WriteList(doc.Contexts);
        WriteList(doc.Streets);
        WriteList(doc.OtherIndexed);
        _writer.Write7BitEncodedInt(doc.Extras.Count);
        foreach (var (key, raw) in doc.Extras)
        {
            _writer.Write(key);
            _writer.Write(raw);
        }
        _writer.Write(doc.Lat);
        _writer.Write(doc.Lon);
        WriteOptional(doc.X);
        WriteOptional(doc.Y);
        _writer.Write(doc.Importance);
        _writer.Write7BitEncodedInt(doc.Housenumbers.Count);
        foreach (var hn in doc.Housenumbers)
        {
            _writer.Write(hn.Raw);
            _writer.Write(hn.Id);
            _writer.Write(hn.Lat);
            _writer.Write(hn.Lon);
            WriteOptional(hn.X);
            WriteOptional(hn.Y);
        }
        return offset;
    }

    /// <summary>Reads the document written at <paramref name="offset"/>.</summary>
    public AddokDocument Read(long offset)
    {
        if (!_reading)
        {
            // Once per switch from writing to reading: flushing on every read would drop the read buffer each time.
            _writer.Flush();
            _reading = true;
        }
        if (_stream.Position != offset)
        {
            _stream.Position = offset;
        }
        var id = _reader.ReadString();
        var type = _reader.ReadString();
        var names = ReadList();
        var postcodes = ReadList();
        var citycodes = ReadList();
        var cities = ReadList();
        var contexts = ReadList();
        var streets = ReadList();
        var other = ReadList();
        var extras = new KeyValuePair<string, string>[_reader.Read7BitEncodedInt()];
        for (var i = 0; i < extras.Length; i++)
        {
            extras[i] = new(_reader.ReadString(), _reader.ReadString());
        }
        var lat = _reader.ReadDouble();
        var lon = _reader.ReadDouble();
        var x = ReadOptional();
        var y = ReadOptional();
        var importance = _reader.ReadDouble();
        var housenumbers = new AddokHousenumber[_reader.Read7BitEncodedInt()];
        for (var i = 0; i < housenumbers.Length; i++)
        {
            housenumbers[i] = new AddokHousenumber
            {
                Raw = _reader.ReadString(),
                Id = _reader.ReadString(),
                Lat = _reader.ReadDouble(),
                Lon = _reader.ReadDouble(),
                X = ReadOptional(),
                Y = ReadOptional(),
            };
        }
        return new AddokDocument
        {
            Id = id, Type = type, Names = names, Postcodes = postcodes, Citycodes = citycodes, Cities = cities,
            Contexts = contexts, Streets = streets, OtherIndexed = other, Extras = extras, Lat = lat, Lon = lon, X = x, Y = y,
            Importance = importance, Housenumbers = housenumbers,
        };
    }

    public void Dispose()
    {
        _writer.Dispose();
        _reader.Dispose();
        _stream.Dispose();
    }

    private void WriteList(IReadOnlyList<string> values)
    {
        _writer.Write7BitEncodedInt(values.Count);
        foreach (var v in values)
        {
            _writer.Write(v);
        }
    }

    private string[] ReadList()
    {
        var values = new string[_reader.Read7BitEncodedInt()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _reader.ReadString();
        }
        return values;
    }

    private void WriteOptional(double? value)
    {
        _writer.Write(value.HasValue);
        if (value is { } v)
        {
            _writer.Write(v);
        }
    }

    private double? ReadOptional() => _reader.ReadBoolean() ? _reader.ReadDouble() : null;
}
