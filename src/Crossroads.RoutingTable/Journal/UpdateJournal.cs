using System.Text;

namespace Crossroads.RoutingTable.Journal;

/// <summary>
/// Append-only log of accepted metric updates. Each append is written and fsync'd before the caller
/// answers, so an acknowledged update survives a crash; replay at start rebuilds the metrics.
/// Only the last line may be incomplete (a crash mid-append, never acknowledged): it is dropped.
/// A damaged line anywhere else stops the start: silently skipping it would lose an acknowledged update.
/// </summary>
public sealed class UpdateJournal : IDisposable
{
    private FileStream _stream;

    private UpdateJournal(string path, FileStream stream, IReadOnlyList<MetricUpdate> entries, bool droppedTornTail)
    {
        Path = path;
        _stream = stream;
        Entries = entries;
        DroppedTornTail = droppedTornTail;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>The updates found when the journal was opened, oldest first.</summary>
    public IReadOnlyList<MetricUpdate> Entries { get; private set; }

    /// <summary>True when an incomplete last line (an unacknowledged append) was found and removed.</summary>
    public bool DroppedTornTail { get; }

    /// <summary>Opens or creates the journal and reads its entries.</summary>
    /// <exception cref="JournalException">A line other than the last is damaged.</exception>
    public static UpdateJournal Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            (var entries, long validLength, bool torn) = ReadEntries(stream, path);
            if (validLength != stream.Length)
            {
                stream.SetLength(validLength);
                stream.Flush(flushToDisk: true);
            }

            stream.Position = validLength;
            return new UpdateJournal(path, stream, entries, torn);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends an update and forces it to disk before returning.</summary>
    public void Append(MetricUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        byte[] line = JournalRecord.Encode(update);
        _stream.Write(line);
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Replaces the journal's content with an equivalent, shorter list of updates (e.g. one exact update per
    /// route whose metric is not the default). Written to a temporary file, fsync'd, then renamed over the
    /// journal, so a crash leaves either the old or the new journal.
    /// </summary>
    public void Rewrite(IEnumerable<MetricUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        string temporary = Path + ".tmp";
        var written = new List<MetricUpdate>();
        using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var update in updates)
            {
                output.Write(JournalRecord.Encode(update));
                written.Add(update);
            }

            output.Flush(flushToDisk: true);
        }

        // The open handle would keep writing to the replaced file: close it and open the new one.
        _stream.Dispose();
        File.Move(temporary, Path, overwrite: true);
        _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        Entries = written;
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();

    private static (List<MetricUpdate> Entries, long ValidLength, bool Torn) ReadEntries(FileStream stream, string path)
    {
        var entries = new List<MetricUpdate>();
        byte[] content = new byte[stream.Length];
        stream.ReadExactly(content);
        long position = 0;
        int lineNumber = 0;
        while (position < content.Length)
        {
            int newline = Array.IndexOf(content, (byte)'\n', (int)position);
            lineNumber++;
            if (newline < 0)
            {
                return (entries, position, true); // incomplete last append
            }

            string line = Encoding.ASCII.GetString(content, (int)position, newline - (int)position);
            var update = JournalRecord.TryDecode(line);
            if (update is null)
            {
                bool isLast = newline == content.Length - 1;
                if (isLast)
                {
                    return (entries, position, true);
                }

                throw new JournalException($"{path}:{lineNumber}: damaged journal line '{line}'");
            }

            entries.Add(update);
            position = newline + 1;
        }

        return (entries, position, false);
    }
}
