namespace Crossroads.Testing.Tests;

public sealed class PostgresBinariesTests
{
    [Fact]
    public void The_highest_complete_version_wins_compared_as_numbers()
    {
        using var root = new TempDirectory();
        MakeVersion(root, "9.6");
        MakeVersion(root, "15");
        MakeVersion(root, "16");
        MakeVersion(root, "17", "initdb", "pg_ctl"); // no postgres: a client-only leftover
        MakeVersion(root, "notaversion");

        Assert.Equal(Path.Combine(root.Path, "16", "bin"), PostgresBinaries.Find(root.Path));
    }

    [Fact]
    public void Nothing_installed_is_null_and_the_message_names_the_package()
    {
        using var root = new TempDirectory();
        Assert.Null(PostgresBinaries.Find(root.Path));
        Assert.Null(PostgresBinaries.Find(Path.Combine(root.Path, "absent")));
        string message = PostgresBinaries.MissingMessage(root.Path);
        Assert.Contains("'postgresql'", message, StringComparison.Ordinal);
        Assert.Contains(root.Path, message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgresFact_runs_where_the_programs_are_installed_and_skips_with_the_reason_elsewhere()
    {
        var fact = new PostgresFactAttribute();
        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (PostgresBinaries.BinDirectory is null)
        {
            // Under CI a missing install must fail the database tests, not skip them.
            Assert.Equal(ci ? null : PostgresBinaries.WhyUnavailable, fact.Skip);
        }
        else
        {
            Assert.Null(fact.Skip);
            Assert.Null(PostgresBinaries.WhyUnavailable);
        }
    }

    private static void MakeVersion(TempDirectory root, string version, params string[] programs)
    {
        string bin = Directory.CreateDirectory(Path.Combine(root.Path, version, "bin")).FullName;
        foreach (string program in programs.Length == 0 ? ["initdb", "pg_ctl", "postgres"] : programs)
        {
            File.WriteAllText(Path.Combine(bin, program), "");
        }
    }
}
