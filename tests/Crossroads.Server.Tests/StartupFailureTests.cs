using System.Text;
using Crossroads.Hosting;
using Crossroads.Server.RoutingTable;
using Crossroads.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Crossroads.Server.Tests;

/// <summary>A routes file that cannot be loaded stops the server with one line naming the file and the line.</summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// Good lines, then a malformed line. The padding decides how long the load takes: with none the load fails before
    /// Kestrel has bound its port, with many it fails after the server is up. The contract is the same either way.
    /// </summary>
    private string WriteBadRoutes(int paddingLines, out int badLine)
    {
        var text = new StringBuilder("# header comment\n10.0.0.0/8;192.168.9.1\n\n");
        for (int i = 0; i < paddingLines; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{11 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}.0/24;192.168.9.1\n");
        }

        text.Append("10.1.0.0/16;banana\n10.2.0.0/16;192.168.9.1\n");
        badLine = 4 + paddingLines;
        return _directory.Write("bad-routes.txt", text.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(200_000)]
    public async Task Malformed_routes_file_makes_the_process_exit_non_zero_with_one_stderr_line_naming_file_and_line(int paddingLines)
    {
        string routes = WriteBadRoutes(paddingLines, out int badLine);
        await using var child = ChildServer.Start(routes, _directory.Subdirectory("data"));
        int exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(30));

        string[] stderr = child.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string context = $"exit {exitCode}; stderr:\n{child.Stderr}";
        Assert.True(exitCode == 3, context); // CrossroadsHost.StartupFailedExitCode, not a crash (134 = SIGABRT on an unhandled exception)
        Assert.True(stderr.Length == 1, context);
        Assert.Contains($"{routes}:{badLine}", stderr[0], StringComparison.Ordinal);
        Assert.Contains("banana", stderr[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_routes_file_makes_the_process_exit_non_zero_with_one_stderr_line_naming_it()
    {
        string routes = Path.Combine(_directory.Path, "does-not-exist.txt");
        await using var child = ChildServer.Start(routes, _directory.Subdirectory("data"));
        int exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(30));

        string[] stderr = child.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string context = $"exit {exitCode}; stderr:\n{child.Stderr}";
        Assert.True(exitCode == 3, context);
        Assert.True(stderr.Length == 1, context);
        Assert.Contains(routes, stderr[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_process_the_failure_names_file_and_line_and_the_table_never_serves()
    {
        string routes = WriteBadRoutes(0, out int badLine);
        var app = CrossroadsApp.Build(RoutingServer.Arguments(routes, _directory.Subdirectory("data")));
        var state = app.Services.GetRequiredService<RoutingTableState>();
        var status = app.Services.GetRequiredKeyedService<ModuleStatus>(ModuleCatalog.Names.RoutingTable);
        try
        {
            try
            {
                await app.StartAsync();
            }
            catch (OperationCanceledException)
            {
                // The load failed (and stopped the host) before Kestrel finished binding; see the child-process test.
            }

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (status.Failure is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.NotNull(status.Failure);
            Assert.Equal(ModuleState.Failed, status.State);
            Assert.Contains($"{routes}:{badLine}", status.Failure, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', status.Failure);
            Assert.Null(state.Table);
        }
        finally
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await app.StopAsync(timeout.Token);
            await app.DisposeAsync();
        }
    }
}
