using System.Buffers.Binary;
using System.Text;
using Crossroads.Geocoding.Index;
using Crossroads.Geocoding.Search;

namespace Crossroads.Geocoding.Tests;

/// <summary>
/// The index file: written by an import, mapped by Open, answers like the in-memory build; truncated, foreign or
/// damaged files are rejected; an import replaces the file atomically while an index opened on the old file keeps
/// answering from it.
/// </summary>
public sealed class IndexFileTests : IDisposable
{
    private const string Lilas =
        """{"id":"99001_lilas","type":"street","name":"Rue des Lilas","postcode":"99001","citycode":"99001","city":"Villeneuve","lat":45.1,"lon":4.2,"importance":0.5,"housenumbers":{"3":{"id":"99001_lilas_00003","lat":45.1001,"lon":4.2001}}}""";

    private const string Roses =
        """{"id":"99001_roses","type":"street","name":"Rue des Lilas","postcode":"99001","citycode":"99001","city":"Villeneuve","lat":45.2,"lon":4.3,"importance":0.5,"housenumbers":{"5":{"id":"99001_roses_00005","lat":45.2001,"lon":4.3001}}}""";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void An_imported_file_maps_and_answers_like_the_in_memory_build()
    {
        var data = _directory.Write("base.ndjson", Lilas + "\n" + Roses.Replace("Rue des Lilas", "Avenue Foch", StringComparison.Ordinal) + "\n");
        var indexFile = IndexFiles.IndexPathFor(data, _directory.Path);
        var result = IndexFiles.Import(data, indexFile);

        Assert.Equal(2, result.Documents);
        Assert.Equal(new FileInfo(indexFile).Length, result.Bytes);
        Assert.True(GeocoderIndex.VerifyFile(indexFile));
        var mapped = GeocoderIndex.Open(indexFile);
        var memory = GeocoderIndex.LoadFile(data);
        foreach (var q in (string[])["3 rue des lilas villeneuve", "avenue foch", "lil", "99001", "rue des lias"])
        {
            Assert.Equal(Describe(memory.Search(q)), Describe(mapped.Search(q)));
        }
        Assert.Equal(Describe(memory.Reverse(45.2, 4.3)), Describe(mapped.Reverse(45.2, 4.3)));
        Assert.Equal("99001_lilas_00003", mapped.Get("99001_lilas_00003")?.Id);
        Assert.Equal(mapped.ImageBytes, result.Bytes);
    }

    [SampleFact]
    public void The_mapped_sample_answers_like_the_in_memory_sample()
    {
        var memory = GeocoderIndex.LoadFile(SampleData.Path!);
        var mapped = SampleData.Index;
        Assert.Equal(memory.TermCount, mapped.TermCount);
        foreach (var q in (string[])["rue des sapins pouembout", "96 bis rue des nautous mont dore", "kone", "avenue", "pouem", "1 rue"])
        {
            Assert.Equal(Describe(memory.Search(q, new SearchOptions { Limit = 10 })), Describe(mapped.Search(q, new SearchOptions { Limit = 10 })));
        }
    }

    [Fact]
    public void Truncated_foreign_and_damaged_files_are_rejected()
    {
        var data = _directory.Write("base.ndjson", Lilas + "\n");
        var indexFile = IndexFiles.Import(data, Path.Combine(_directory.Path, "good" + IndexFiles.Extension)).IndexFile;
        var bytes = File.ReadAllBytes(indexFile);

        var truncated = _directory.WriteBytes("truncated.geoidx", bytes[..^64]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => GeocoderIndex.Open(truncated)).Message, StringComparison.Ordinal);

        var foreign = _directory.WriteBytes("foreign.geoidx", Encoding.ASCII.GetBytes("{\"id\":\"not an index file at all, just json\"}"));
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => GeocoderIndex.Open(foreign)).Message, StringComparison.Ordinal);

        var version = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(version.AsSpan(8), 99);
        Assert.Contains("version 99", Assert.Throws<InvalidDataException>(() => GeocoderIndex.Open(_directory.WriteBytes("v99.geoidx", version))).Message, StringComparison.Ordinal);

        var table = (byte[])bytes.Clone();
        table[IndexFileFormat.FixedHeaderBytes + 8] ^= 0x40; // the first section's offset
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => GeocoderIndex.Open(_directory.WriteBytes("table.geoidx", table))).Message, StringComparison.Ordinal);

        var payload = (byte[])bytes.Clone();
        payload[^100] ^= 0x01;
        var damaged = _directory.WriteBytes("payload.geoidx", payload);
        Assert.True(GeocoderIndex.VerifyFile(indexFile));
        Assert.False(GeocoderIndex.VerifyFile(damaged));
    }

    [Fact]
    public void An_import_replaces_the_file_atomically_and_an_open_index_keeps_its_old_data()
    {
        var data = _directory.Write("base.ndjson", Lilas + "\n");
        var indexFile = IndexFiles.IndexPathFor(data, _directory.Path);
        Assert.True(IndexFiles.IsStale(data, indexFile));
        IndexFiles.Import(data, indexFile);
        Assert.False(IndexFiles.IsStale(data, indexFile));
        var old = GeocoderIndex.Open(indexFile);

        File.WriteAllText(data, Roses + "\n");
        File.SetLastWriteTimeUtc(data, DateTime.UtcNow.AddSeconds(5));
        Assert.True(IndexFiles.IsStale(data, indexFile));
        var fresh = IndexFiles.OpenOrImport(data, _directory.Path);

        Assert.Equal("99001_lilas", old.Search("rue des lilas")[0].Id);
        Assert.Equal("99001_roses", fresh.Search("rue des lilas")[0].Id);
        // No temporary or spill file is left beside the index.
        Assert.Equal([Path.GetFileName(indexFile)], Directory.GetFiles(_directory.Path, "*" + IndexFiles.Extension + "*").Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(_directory.Path, ".*"));
    }

    [Fact]
    public void A_failed_import_leaves_the_old_file_in_place()
    {
        var data = _directory.Write("base.ndjson", Lilas + "\n");
        var indexFile = IndexFiles.IndexPathFor(data, _directory.Path);
        IndexFiles.Import(data, indexFile);
        var before = File.ReadAllBytes(indexFile);

        File.WriteAllText(data, Lilas + "\n{broken\n");
        Assert.Throws<FormatException>(() => IndexFiles.Import(data, indexFile));

        Assert.Equal(before, File.ReadAllBytes(indexFile));
        Assert.Empty(Directory.GetFiles(_directory.Path, ".*"));
    }

    [Fact]
    public void A_mapping_is_released_once_no_reader_refers_to_its_index()
    {
        if (!File.Exists("/proc/self/maps"))
        {
            return; // Linux shows mappings there; elsewhere there is nothing to observe.
        }
        var data = _directory.Write("base.ndjson", Lilas + "\n");
        var indexFile = IndexFiles.Import(data, Path.Combine(_directory.Path, "released" + IndexFiles.Extension)).IndexFile;

        var weak = SearchOnce(indexFile);
        for (var i = 0; i < 5 && (weak.IsAlive || File.ReadAllText("/proc/self/maps").Contains(indexFile, StringComparison.Ordinal)); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(weak.IsAlive);
        Assert.DoesNotContain(indexFile, File.ReadAllText("/proc/self/maps"), StringComparison.Ordinal);
    }

    // Not inlined, so that no reference to the index outlives this frame. The mapping is checked while the index is
    // still referenced: checked after the return, a collection started by a test running in parallel could already
    // have released it.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference SearchOnce(string indexFile)
    {
        var index = GeocoderIndex.Open(indexFile);
        Assert.Equal("99001_lilas", index.Search("rue des lilas")[0].Id);
        Assert.Contains(indexFile, File.ReadAllText("/proc/self/maps"), StringComparison.Ordinal);
        GC.KeepAlive(index);
        return new WeakReference(index);
    }

    [Fact]
    public void Index_paths_differ_for_data_files_of_the_same_name()
    {
        var a = IndexFiles.IndexPathFor("/data/a/ban.ndjson.gz", "/idx");
        var b = IndexFiles.IndexPathFor("/data/b/ban.ndjson.gz", "/idx");
        Assert.NotEqual(a, b);
        Assert.StartsWith("/idx/ban.", a, StringComparison.Ordinal);
        Assert.EndsWith(IndexFiles.Extension, a, StringComparison.Ordinal);
    }

    private static string Describe(IReadOnlyList<GeocodeResult> results) =>
        string.Join("\n", results.Select(r => FormattableString.Invariant($"{r.Id} {r.Label} {r.Score:R} {r.Distance}")));
}
