using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Crossroads.Geocoding.Data;
using Crossroads.Geocoding.Text;

namespace Crossroads.Geocoding.Index;

/// <summary>
/// Index files on disk: where the index of a data file lives, whether it is stale, and the import that replaces it
/// atomically (write beside under a temporary name, flush to disk, verify, rename over the old one). A server that
/// has the old file mapped keeps reading it until it opens the new one.
/// </summary>
public static class IndexFiles
{
    /// <summary>The extension of index files.</summary>
    public const string Extension = ".geoidx";

    /// <summary>
    /// The index file of <paramref name="dataFile"/> in <paramref name="indexDirectory"/>: its name without
    /// .ndjson[.gz], plus a hash of its full path so that two data files with the same name never share an index.
    /// </summary>
    public static string IndexPathFor(string dataFile, string indexDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataFile);
        var full = Path.GetFullPath(dataFile);
        var name = Path.GetFileName(full);
        foreach (var suffix in (string[])[".gz", ".ndjson", ".json", ".jsonl"])
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                name = name[..^suffix.Length];
            }
        }
        var hash = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(full));
        return Path.Combine(Path.GetFullPath(indexDirectory), string.Create(CultureInfo.InvariantCulture, $"{name}.{hash:x16}{Extension}"));
    }

    /// <summary>True when the index file is missing or older than the data file (it must be (re)imported).</summary>
    public static bool IsStale(string dataFile, string indexFile) =>
        !File.Exists(indexFile) || File.GetLastWriteTimeUtc(indexFile) < File.GetLastWriteTimeUtc(dataFile);

    /// <summary>
    /// Imports <paramref name="dataFile"/> (Addok NDJSON, gzip detected) into <paramref name="indexFile"/>, streaming:
    /// parsed documents are spilled to a temporary file beside the index, the columns are built, the new file is
    /// written under a temporary name, flushed to disk, its checksum verified, then renamed over the old one.
    /// </summary>
    public static IndexImportResult Import(string dataFile, string indexFile, TextPipeline? pipeline = null)
    {
        ArgumentNullException.ThrowIfNull(dataFile);
        ArgumentNullException.ThrowIfNull(indexFile);
        var clock = Stopwatch.StartNew();
        var directory = Path.GetDirectoryName(Path.GetFullPath(indexFile)) ?? ".";
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(indexFile)}.{Guid.NewGuid():N}.tmp");
        try
        {
            int documents;
            using (var builder = new GeocoderIndexBuilder(pipeline, directory))
            {
                builder.AddRange(AddokNdjsonReader.ReadFile(dataFile));
                documents = builder.Count;
                builder.WriteTo(temporary);
            }
            if (!GeocoderIndex.VerifyFile(temporary))
            {
                throw new InvalidDataException($"index file {temporary}: checksum mismatch right after writing it");
            }
            var length = new FileInfo(temporary).Length;
            // rename(2) replaces the old name atomically: a reader opens either the old file or the new one.
            File.Move(temporary, indexFile, overwrite: true);
            return new IndexImportResult(indexFile, length, documents, clock.Elapsed);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Opens the index of <paramref name="dataFile"/>, importing it first when missing or stale.</summary>
    public static GeocoderIndex OpenOrImport(string dataFile, string indexDirectory, TextPipeline? pipeline = null)
    {
        var indexFile = IndexPathFor(dataFile, indexDirectory);
        if (IsStale(dataFile, indexFile))
        {
            Import(dataFile, indexFile, pipeline);
        }
        try
        {
            return GeocoderIndex.Open(indexFile, pipeline);
        }
        catch (InvalidDataException)
        {
            // Written by another format version, or damaged: rebuild it once.
            Import(dataFile, indexFile, pipeline);
            return GeocoderIndex.Open(indexFile, pipeline);
        }
    }
}
