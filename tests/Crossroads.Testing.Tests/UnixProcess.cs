using System.Diagnostics;
using System.Globalization;

namespace Crossroads.Testing.Tests;

/// <summary>What the kernel says about processes, files and users: the facts the fixture's claims are checked against.</summary>
internal static class UnixProcess
{
    /// <summary>The effective uid of a process (<c>/proc/PID/status</c>, line <c>Uid: real effective saved fs</c>).</summary>
    public static int EffectiveUid(int pid) => int.Parse(Uids(pid)[1], CultureInfo.InvariantCulture);

    /// <summary>The real uid of a process.</summary>
    public static int RealUid(int pid) => int.Parse(Uids(pid)[0], CultureInfo.InvariantCulture);

    /// <summary>Whether the process still exists and is not a zombie waiting for its parent.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            return StatusField(pid, "State:") is { } state && state[0] != "Z";
        }
        catch (IOException)
        {
            return false; // gone between the check and the read
        }
    }

    /// <summary>The numeric owner of a file or directory (<c>stat -c %u</c>).</summary>
    public static int OwnerUid(string path) => int.Parse(Run("stat", "-c", "%u", path), CultureInfo.InvariantCulture);

    /// <summary>The uid of a user name (<c>id -u NAME</c>).</summary>
    public static int UidOf(string user) => int.Parse(Run("id", "-u", user), CultureInfo.InvariantCulture);

    /// <summary>The effective uid of this test process.</summary>
    public static int OwnUid() => int.Parse(Run("id", "-u"), CultureInfo.InvariantCulture);

    private static string[] Uids(int pid) => StatusField(pid, "Uid:") ?? throw new InvalidOperationException($"process {pid} does not exist");

    private static string[]? StatusField(int pid, string name)
    {
        string status = $"/proc/{pid}/status";
        if (!File.Exists(status))
        {
            return null;
        }

        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line?[name.Length..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {error}");
        return output.Trim();
    }
}
