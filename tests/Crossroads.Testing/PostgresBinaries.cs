namespace Crossroads.Testing;

/// <summary>Finds the PostgreSQL server programs where Debian's <c>postgresql</c> package installs them.</summary>
public static class PostgresBinaries
{
    /// <summary>Where Debian puts each major version: <c>/usr/lib/postgresql/&lt;version&gt;/bin</c>.</summary>
    public const string DebianRoot = "/usr/lib/postgresql";

    /// <summary>The Debian package that brings them (it depends on the current major version's package).</summary>
    public const string Package = "postgresql";

    private static readonly string[] Programs = ["initdb", "pg_ctl", "postgres"];

    private static readonly Lazy<string?> Installed = new(() => Find(DebianRoot));

    /// <summary>The <c>bin</c> folder of the highest installed version, or null when there is none.</summary>
    public static string? BinDirectory => Installed.Value;

    /// <summary>Null when the programs are installed; otherwise why not, naming the package to install.</summary>
    public static string? WhyUnavailable => BinDirectory is null ? MissingMessage(DebianRoot) : null;

    /// <summary>
    /// The <c>bin</c> folder of the highest version under <paramref name="root"/> that has all of initdb, pg_ctl and
    /// postgres, or null. Versions compare as numbers (16 is above 9.6), not as text.
    /// </summary>
    public static string? Find(string root)
    {
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.EnumerateDirectories(root)
            .Select(dir => (Bin: Path.Combine(dir, "bin"), Version: ParseVersion(Path.GetFileName(dir))))
            .Where(candidate => candidate.Version is not null && Programs.All(program => File.Exists(Path.Combine(candidate.Bin, program))))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    /// <summary>The skip or failure message when nothing usable is under <paramref name="root"/>.</summary>
    public static string MissingMessage(string root) =>
        $"PostgreSQL server programs (initdb, pg_ctl, postgres) not found under {root}/<version>/bin: " +
        $"install the Debian package '{Package}' (apt-get install {Package}; ./test.sh does this when run as root).";

    private static Version? ParseVersion(string name) =>
        int.TryParse(name, out int major) && major >= 0 ? new Version(major, 0)
        : Version.TryParse(name, out var version) ? version
        : null;
}
