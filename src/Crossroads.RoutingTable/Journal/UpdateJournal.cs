using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Crossroads.RoutingTable.Journal;

/// <summary>
/// Append-only log of accepted metric updates. Each append is written and fsync'd before the caller
/// answers, so an acknowledged update survives a crash; replay at start rebuilds the metrics.
/// <para>
/// Writes go straight to the file at a tracked offset (no user-space buffer): an append that fails is cut off
/// again, so an update the client was told failed can never reach the disk with the next one. If even that
/// repair fails, the journal refuses every later append until the process restarts.
/// </para>
/// Only the last line may be incomplete (a crash mid-append, never acknowledged): it is dropped.
/// A damaged line anywhere else stops the start: silently skipping it would lose an acknowledged update.
/// </summary>
public sealed class UpdateJournal : IDisposable
{
    private SafeFileHandle _handle;
    private long _length;
    private string? _poisoned;

    private UpdateJournal(string path, SafeFileHandle handle, long length, int entryCount, bool droppedTornTail)
    {
        Path = path;
        _handle = handle;
        _length = length;
        EntryCount = entryCount;
        DroppedTornTail = droppedTornTail;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>Entries in the file (replayed ones plus appends since).</summary>
    public int EntryCount { get; private set; }

    /// <summary>True when an incomplete last line (an unacknowledged append) was found and removed.</summary>
    public bool DroppedTornTail { get; }

    /// <summary>
    /// Opens or creates the journal and hands each entry, oldest first, with its line number, to
    /// <paramref name="replay"/> (streamed: the file is never held in memory whole).
    /// </summary>
    /// <exception cref="JournalException">A line other than the last is damaged, or <paramref name="replay"/> rejected one.</exception>
    public static UpdateJournal Open(string path, Action<MetricUpdate, int> replay)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(replay);
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
        Directory.CreateDirectory(directory);
        bool created = !File.Exists(path);
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (created)
            {
                DirectorySync.Flush(directory); // the new directory entry must survive a crash too
            }

            (long validLength, int entries, bool torn) = ReadEntries(handle, path, replay);
            if (validLength != RandomAccess.GetLength(handle))
            {
                RandomAccess.SetLength(handle, validLength);
                RandomAccess.FlushToDisk(handle);
            }

            return new UpdateJournal(path, handle, validLength, entries, torn);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Appends an update and forces it to disk before returning.</summary>
    /// <exception cref="IOException">The update is not in the journal (and must not be applied).</exception>
    public void Append(MetricUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (_poisoned is not null)
        {
            throw new IOException($"the journal {Path} is unusable since an earlier write failure ({_poisoned}); restart the server");
        }

        byte[] line = JournalRecord.Encode(update);
        try
        {
            RandomAccess.Write(_handle, line, _length);
            RandomAccess.FlushToDisk(_handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CutBack(e.Message);
            throw new IOException($"journal write failed: {e.Message}", e);
        }

        _length += line.Length;
        EntryCount++;
    }

    /// <summary>
    /// Replaces the journal's content with an equivalent, shorter list of updates (e.g. one exact update per
    /// route whose metric is not the default). Written to a temporary file, fsync'd, renamed over the journal
    /// and the directory fsync'd, so a crash leaves either the old or the new journal. On failure the old
    /// journal stays in use.
    /// </summary>
    public void Rewrite(IEnumerable<MetricUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        string temporary = Path + ".tmp";
        int count = 0;
        long length = 0;
        try
        {
            using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                foreach (var update in updates)
                {
                    byte[] line = JournalRecord.Encode(update);
                    output.Write(line);
                    length += line.Length;
                    count++;
                }

                output.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Give the space back: on a full disk the half-written file would starve the next append.
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
            }

            throw;
        }

        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? ".";
        try
        {
            DirectorySync.Flush(directory);
            var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            _handle.Dispose();
            _handle = handle;
            _length = length;
            EntryCount = count;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The renamed file holds the right content, but this handle points at the replaced one.
            _poisoned = $"reopening after compaction failed: {e.Message}";
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _handle.Dispose();

    // Removes a partly written line so the next append cannot carry it to disk; poisons if that fails.
    private void CutBack(string reason)
    {
        try
        {
            RandomAccess.SetLength(_handle, _length);
            RandomAccess.FlushToDisk(_handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _poisoned = $"{reason}; truncating back failed: {e.Message}";
        }
    }

    // Reads with RandomAccess in blocks: a FileStream over the handle would close it when disposed.
    private static (long ValidLength, int Entries, bool Torn) ReadEntries(SafeFileHandle handle, string path, Action<MetricUpdate, int> replay)
    {
        long fileLength = RandomAccess.GetLength(handle);
        byte[] block = new byte[1 << 16];
        var line = new List<byte>(128);
        long offset = 0;
        long lineStart = 0;
        int lineNumber = 0;
        int entries = 0;
        while (offset < fileLength)
        {
            int read = RandomAccess.Read(handle, block, offset);
            if (read == 0)
            {
                break;
            }

            for (int i = 0; i < read; i++)
            {
                if (block[i] != '\n')
                {
                    line.Add(block[i]);
                    continue;
                }

                lineNumber++;
                string text = Encoding.ASCII.GetString([.. line]);
                line.Clear();
                var update = JournalRecord.TryDecode(text);
                if (update is null)
                {
                    if (offset + i + 1 == fileLength)
                    {
                        return (lineStart, entries, true); // a damaged last line: an append cut short
                    }

                    throw new JournalException($"{path}:{lineNumber}: damaged journal line '{text}'");
                }

                replay(update, lineNumber);
                entries++;
                lineStart = offset + i + 1;
            }

            offset += read;
        }

        // Bytes after the last newline: an incomplete last append.
        return (lineStart, entries, line.Count > 0);
    }
}
