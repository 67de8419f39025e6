using Crossroads.Hosting.Tests.Infrastructure;

namespace Crossroads.Hosting.Tests;

/// <summary>Runs the public runner exactly as Program would and checks exit code and the single stderr line.</summary>
public sealed class OptionsValidationTests
{
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, Func<string[], Microsoft.AspNetCore.Builder.WebApplication>? build = null, IReadOnlyList<CrossroadsModule>? modules = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        build ??= a => ChassisServer.Build(a, new LogCapture());
        var exitCode = await CrossroadsHost.RunCoreAsync(args, modules ?? [new TestModule()], build, stdout, stderr).WaitAsync(TimeSpan.FromSeconds(30));
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("--RateLimits:Reads:PermitsPerSecond=-1", "RateLimits:Reads:PermitsPerSecond")]
    [InlineData("--RateLimits:Writes:Burst=0", "RateLimits:Writes:Burst")]
    [InlineData("--RateLimits:AuthFailures:PermitsPerSecond=0", "RateLimits:AuthFailures:PermitsPerSecond")]
    [InlineData("--RateLimits:AuthFailures:Burst=0", "RateLimits:AuthFailures:Burst")]
    [InlineData("--Limits:MaxUrlLength=5", "Limits:MaxUrlLength")]
    [InlineData("--Limits:MaxRequestBodySize=0", "Limits:MaxRequestBodySize")]
    [InlineData("--Limits:RequestTimeoutSeconds=0", "Limits:RequestTimeoutSeconds")]
    [InlineData("--Shutdown:DrainDelaySeconds=-3", "Shutdown:DrainDelaySeconds")]
    [InlineData("--Shutdown:TimeoutSeconds=0", "Shutdown:TimeoutSeconds")]
    [InlineData("--Auth:ApiKeys:0:Sha256=abc", "Auth:ApiKeys:0:Sha256")]
    [InlineData("--Auth:ApiKeysFile=/nonexistent/keys.json", "Auth:ApiKeysFile")]
    [InlineData("--Auth:RequireKeyForReads=true", "Auth:RequireKeyForReads")]
    [InlineData("--RateLimits:Reads:PermitsPerSecond=fast", "RateLimits:Reads:PermitsPerSecond")]
    [InlineData("--Limits:MaxUrlLenght=100", "MaxUrlLenght")]
    [InlineData("--Proxy:KnownProxies:0=10.0.0.300", "Proxy:KnownProxies:0")]
    [InlineData("--Proxy:KnownNetworks:0=10.0.0.0/40", "Proxy:KnownNetworks:0")]
    [InlineData("--Proxy:ForwardLimit=0", "Proxy:ForwardLimit")]
    [InlineData("--Transport:InlineSchedule=true", "InlineSchedule")]
    public async Task An_invalid_setting_exits_2_with_one_stderr_line_naming_the_key(string setting, string key)
    {
        var (exitCode, _, stderr) = await RunAsync([setting]);
        Assert.Equal(CrossroadsHost.InvalidConfigurationExitCode, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("crossroads: invalid configuration: ", line);
        Assert.Contains(key, line);
        Assert.DoesNotContain("   at ", line);
        Assert.DoesNotContain("Exception", line);
    }

    [Fact]
    public async Task A_module_startup_failure_exits_3_with_its_message()
    {
        var (exitCode, _, stderr) = await RunAsync([], _ => throw new StartupFailedException("Routing:TablePath: file '/x' does not exist"));
        Assert.Equal(CrossroadsHost.StartupFailedExitCode, exitCode);
        Assert.Equal("crossroads: startup failed: Routing:TablePath: file '/x' does not exist", stderr.Trim());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_lists_chassis_and_module_settings_with_env_form_and_default(string flag)
    {
        var built = false;
        var (exitCode, stdout, stderr) = await RunAsync(
            [flag],
            _ => { built = true; throw new InvalidOperationException("must not build"); },
            [new TablePathModule()]);
        Assert.Equal(0, exitCode);
        Assert.False(built);
        Assert.Empty(stderr);
        Assert.Contains("RateLimits:Reads:PermitsPerSecond", stdout);
        Assert.Contains("env RateLimits__Reads__PermitsPerSecond   default: 1000", stdout);
        Assert.Contains("Shutdown__DrainDelaySeconds   default: 5", stdout);
        Assert.Contains("env RateLimits__AuthFailures__PermitsPerSecond   default: 1", stdout);
        Assert.Contains("env RateLimits__AuthFailures__Burst   default: 10", stdout);
        Assert.Contains("Auth__ApiKeysFile", stdout);
        Assert.Contains("Routing__TablePath   default: data/sample.csv", stdout);
        Assert.Contains("Route table to load.", stdout);
    }

    private sealed class TablePathModule : CrossroadsModule
    {
        public override ModuleIdentity Identity { get; } = new("Routing", new EventIdRange(9100, 9199));

        public override void AddServices(ModuleServices module) => module.AddOptions<TablePathOptions>();

        public override void MapEndpoints(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder group)
        {
        }
    }

    private sealed class TablePathOptions
    {
        [System.ComponentModel.Description("Route table to load.")]
        public string TablePath { get; set; } = "data/sample.csv";
    }
}
