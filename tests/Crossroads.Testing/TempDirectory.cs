using System.IO.Compression;
using System.Text;

namespace Crossroads.Testing;

/// <summary>
/// A fresh directory under the system temp folder, deleted with everything in it on dispose: one per test, so
/// routes files, journals and database clusters never leak from one test into another.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the directory (mode 0700 on Unix) with a name starting with <paramref name="prefix"/>.</summary>
    public TempDirectory(string prefix = "crossroads-tests-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>Writes a UTF-8 text file (no byte order mark) in this directory and returns its full path.</summary>
    public string Write(string name, string content) => WriteBytes(name, Encoding.UTF8.GetBytes(content));

    /// <summary>Same as <see cref="Write"/>.</summary>
    public string WriteText(string name, string text) => Write(name, text);

    /// <summary>Writes a file with exactly these bytes in this directory and returns its full path.</summary>
    public string WriteBytes(string name, byte[] bytes)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Creates (if needed) and returns a subdirectory.</summary>
    public string Subdirectory(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    /// <summary>The UTF-8 bytes of <paramref name="text"/>, gzip-compressed (one member), for gzip routes files.</summary>
    public static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a child process may still be releasing a file; a leftover temp directory is not a test
            // failure, and the OS cleans temp eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
