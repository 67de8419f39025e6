using Crossroads.Server.Tests.Infrastructure;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Crossroads.Server.Tests.Operations;

/// <summary>The built server, SIGTERM and exit codes: what Kubernetes and operators actually see.</summary>
public sealed class GracefulShutdownProcessTests
{
    [Fact]
    public async Task Sigterm_fails_readiness_at_once_finishes_the_in_flight_request_and_exits_0()
    {
        await using var server = ChildServer.StartBundled(new Dictionary<string, string> { ["Shutdown__DrainDelaySeconds"] = "3" });
        await server.WaitUntilReadyAsync();

        using var slowClient = server.NewClient();
        var body = new GatedJsonContent("[\"1.2.3.4\"", ",\"2001:db8::1\"]");
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var inFlight = slowClient.PostAsync("/destinations", body);
        await body.FirstPartSent.WaitAsync(TimeSpan.FromSeconds(10));

        server.Terminate();
        var signalled = Stopwatch.StartNew();

        // Readiness must fail well inside the 3 s drain delay, on a new connection the server still accepts
        // (the margin is for a loaded two-core CI machine; in practice it is milliseconds).
        HttpStatusCode readiness;
        do
        {
            using var probe = server.NewClient();
            using var response = await probe.GetAsync("/readyz");
            readiness = response.StatusCode;
        }
        while (readiness == HttpStatusCode.OK && signalled.Elapsed < TimeSpan.FromSeconds(2.5));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness);
        Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(2.5), $"readiness turned 503 only after {signalled.Elapsed}");

        // After the drain delay the listeners close while the request is still mid-body: wait until a new
        // connection is refused, then finish the request.
        var closing = Stopwatch.StartNew();
        while (await AcceptsConnectionsAsync(server.BaseAddress))
        {
            Assert.True(closing.Elapsed < TimeSpan.FromSeconds(15), "listeners still open 15 s after the drain delay began");
            await Task.Delay(100);
        }

        body.Release();
        using var completed = await inFlight.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Contains("2001:db8::1", await completed.Content.ReadAsStringAsync());

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {server.Stderr}");
    }

    private static async Task<bool> AcceptsConnectionsAsync(Uri address)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(address.Host, address.Port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task The_built_servers_metrics_pass_promtool_and_carry_the_routing_families()
    {
        await using var server = ChildServer.StartBundled();
        await server.WaitUntilReadyAsync();
        using var client = server.NewClient();
        using (await client.GetAsync("/destination/1.2.3.4")) { }
        using (await client.GetAsync("/destination/not-an-ip")) { }
        var body = await client.GetStringAsync("/metrics");
        Assert.Contains("# TYPE routing_lookups_total counter", body);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", body); // ASP.NET Core's standard http.server.request.duration
        Assert.Contains("# TYPE process_cpu_seconds_total counter", body);

        var promtool = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "promtool")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("promtool is not installed; install it with 'apt-get install -y --no-install-recommends prometheus' (CI does).");
        var start = new ProcessStartInfo(promtool, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var check = Process.Start(start)!;
        await check.StandardInput.WriteAsync(body);
        check.StandardInput.Close();
        var report = (await check.StandardOutput.ReadToEndAsync() + await check.StandardError.ReadToEndAsync()).Trim();
        await check.WaitForExitAsync();
        Assert.True(check.ExitCode == 0 && report.Length == 0, $"promtool exit {check.ExitCode}: {report}");
    }

    [Fact]
    public async Task An_invalid_setting_exits_non_zero_with_one_stderr_line_naming_the_key()
    {
        await using var server = ChildServer.StartBundled(new Dictionary<string, string> { ["RateLimits__Reads__PermitsPerSecond"] = "-1" });
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, exitCode);
        var lines = server.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.Contains("RateLimits:Reads:PermitsPerSecond", line);
        Assert.DoesNotContain("   at ", server.Stderr);
    }

    [Fact]
    public async Task Help_lists_chassis_settings_and_exits_0_without_starting()
    {
        await using var server = ChildServer.StartBundled(null, "--help");
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, exitCode);
        Assert.Contains("RateLimits__Reads__PermitsPerSecond", server.Stdout);
        Assert.Contains("Shutdown__DrainDelaySeconds", server.Stdout);
        Assert.Empty(server.Stderr.Trim());
    }
}
