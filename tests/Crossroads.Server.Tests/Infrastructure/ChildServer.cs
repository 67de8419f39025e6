namespace Crossroads.Server.Tests.Infrastructure;

/// <summary>
/// The built routing-table server (<c>Crossroads.Server.dll</c>, copied next to the tests by the project reference) as
/// a real child process on a free loopback port: the routing-table settings on top of <see cref="ChildProcessServer"/>.
/// </summary>
public static class ChildServer
{
    private static string Dll => ChildProcessServer.DllBesideTests("Crossroads.Server.dll");

    /// <summary>Starts the server on a free loopback port with the given routes file and DATA_DIR (no rate limits, no drain delay).</summary>
    public static ChildProcessServer Start(string routesFile, string dataDirectory, params string[] extra) =>
        ChildProcessServer.Start(new ChildProcessServerOptions
        {
            Dll = Dll,
            Arguments = ["--ROUTES_FILE", routesFile, "--DATA_DIR", dataDirectory, "--RateLimits:Enabled", "false", "--Shutdown:DrainDelaySeconds", "0", .. extra],
        });

    /// <summary>
    /// Starts the server as an operator would, on the bundled table with default settings except the given
    /// environment and arguments; its DATA_DIR is a fresh temporary folder removed on dispose.
    /// </summary>
    public static ChildProcessServer StartBundled(IReadOnlyDictionary<string, string>? environment = null, params string[] args) =>
        StartWithOwnDataDirectory(environment ?? new Dictionary<string, string>(), args, port: null);

    /// <summary>Like <see cref="StartBundled"/> but without <c>--urls</c>: the environment decides where it listens.</summary>
    public static ChildProcessServer StartBundledWithoutUrls(IReadOnlyDictionary<string, string> environment, int expectedPort) =>
        StartWithOwnDataDirectory(environment, [], expectedPort);

    private static ChildProcessServer StartWithOwnDataDirectory(IReadOnlyDictionary<string, string> environment, string[] args, int? port)
    {
        var data = new TempDirectory("crossroads-child-");
        try
        {
            return ChildProcessServer.Start(new ChildProcessServerOptions
            {
                Dll = Dll,
                Arguments = args,
                Environment = new Dictionary<string, string>(environment) { ["DATA_DIR"] = data.Path },
                Port = port,
                PassUrls = port is null,
                OwnedDirectory = data,
            });
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }
}
