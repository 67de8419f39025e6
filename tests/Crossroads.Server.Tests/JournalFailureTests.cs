using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests;

/// <summary>
/// A journal whose writes fail (it is a symlink to <c>/dev/full</c>, every write ENOSPC): the server still starts
/// (reading it yields nothing), a PUT answers 503 problem+json saying the update was not applied, and lookups keep
/// the old answer.
/// </summary>
public sealed class JournalFailureTests : IDisposable
{
    private const string DevFull = FactWhenDevFullExistsAttribute.DevFull;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [FactWhenDevFullExists]
    public async Task Put_whose_journal_write_fails_answers_503_not_applied_and_lookups_keep_the_old_answer()
    {
        string routes = _directory.Write("routes.txt", HandMadeTable.Routes);
        string data = _directory.Subdirectory("data");
        string journal = Path.Combine(data, "routes.txt.journal"); // <DATA_DIR>/<routes file name>.journal
        File.CreateSymbolicLink(journal, DevFull);

        await using var server = await RoutingServer.StartAsync(routes, data);
        Api.AssertRoute(await Api.LookupAsync(server.Client, "10.9.9.9"), "10.0.0.0/8", "192.168.9.1");

        // 192.168.10.1 at 5 would beat 192.168.9.1 at MAX for 10.9.9.9, if it were applied.
        for (int attempt = 1; attempt <= 2; attempt++)
        {
            var put = await Api.UpdateAsync(server.Client, "10.0.0.0/8", "192.168.10.1", 5, "exact");
            var problem = Api.AssertProblem(put, 503);
            string? detail = problem.GetProperty("detail").GetString();
            Assert.True(
                detail is not null && detail.Contains("not applied", StringComparison.OrdinalIgnoreCase),
                $"attempt {attempt}: the 503 detail must say the update was not applied, got '{detail}'");

            Api.AssertRoute(await Api.LookupAsync(server.Client, "10.9.9.9"), "10.0.0.0/8", "192.168.9.1");
            var explain = await Api.GetAsync(server.Client, "/destination/10.9.9.9/explain");
            Assert.All(explain.Json.GetProperty("routes").EnumerateArray(), r => Assert.Equal(32768, r.GetProperty("metric").GetInt32()));
            Assert.Equal(0, (await Api.GetAsync(server.Client, "/health")).Json.GetProperty("table_version").GetInt64());
        }

        // An update that matches nothing writes nothing, so it is the usual 404, not a 503.
        Api.AssertProblem(await Api.UpdateAsync(server.Client, "192.0.2.0/24", "192.168.10.1", 1), 404);
        Assert.Equal(DevFull, new FileInfo(journal).LinkTarget);
    }
}

/// <summary>
/// A fact reported as skipped, with the reason, where there is no <c>/dev/full</c> (not Linux). Kept in this file:
/// it is the only test that needs it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FactWhenDevFullExistsAttribute : FactAttribute
{
    public const string DevFull = "/dev/full";

    public FactWhenDevFullExistsAttribute()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(DevFull))
        {
            Skip = $"{DevFull} is not available on this system; this test needs a device whose every write fails (ENOSPC).";
        }
    }
}
