using System.Diagnostics;

namespace Crossroads.RoutingTable.Tests.Journal;

/// <summary>
/// A real, tiny tmpfs mounted on a fresh directory (needs Linux and CAP_SYS_ADMIN): writes past its size fail with
/// ENOSPC, as on a full disk. Unmounted and removed on dispose.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private static readonly Lazy<string?> ProbeResult = new(Probe);

    private TmpfsMount(string path) => Path = path;

    /// <summary>Null when mounting works here; otherwise why it does not.</summary>
    public static string? WhyNotMountable => ProbeResult.Value;

    public string Path { get; }

    public static TmpfsMount Create(int sizeKiB)
    {
        string path = Directory.CreateTempSubdirectory("crossroads-tmpfs-").FullName;
        var (exitCode, output) = Run("mount", "-t", "tmpfs", "-o", $"size={sizeKiB}k", "tmpfs", path);
        if (exitCode != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"mount -t tmpfs on {path} failed ({exitCode}): {output}");
        }

        return new TmpfsMount(path);
    }

    /// <summary>Writes a file that takes all the space left (until the file system says ENOSPC).</summary>
    public string Fill(string name = "filler")
    {
        string path = System.IO.Path.Combine(Path, name);
        byte[] block = new byte[4096];
        using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            for (int i = 0; i < 1 << 20; i++)
            {
                output.Write(block);
            }
        }
        catch (IOException)
        {
            return path; // full
        }

        throw new InvalidOperationException($"{Path} never filled up");
    }

    public void Dispose()
    {
        var (exitCode, _) = Run("umount", Path);
        if (exitCode != 0)
        {
            _ = Run("umount", "-l", Path); // a handle still open: detach now, freed when it closes
        }

        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
            // Best effort: an empty leftover directory is not a test failure.
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "tmpfs mounts need Linux";
        }

        try
        {
            using var probe = Create(16);
            File.WriteAllText(System.IO.Path.Combine(probe.Path, "probe"), "probe");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            return $"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {e.Message}";
        }
    }

    private static (int ExitCode, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }
}
