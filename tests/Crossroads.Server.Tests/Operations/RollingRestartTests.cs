using System.Diagnostics;
using System.Net;
using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests.Operations;

/// <summary>
/// A rolling restart as a load balancer sees it: clients keep sending while the instance gets SIGTERM; the
/// balancer polls readiness and stops routing to the instance once it fails. No request may fail.
/// </summary>
public sealed class RollingRestartTests
{
    [Fact]
    public async Task Under_load_a_sigterm_fails_no_request_sent_before_the_balancer_takes_the_instance_out()
    {
        await using var server = ChildServer.StartBundled(new Dictionary<string, string>
        {
            ["Shutdown__DrainDelaySeconds"] = "3",
            ["RateLimits__Enabled"] = "false",
        });
        await server.WaitUntilReadyAsync();

        using var inRotation = new CancellationTokenSource();
        long succeeded = 0;
        var failures = new List<string>();
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            using var client = server.NewClient();
            var random = new Random(c);
            while (!inRotation.IsCancellationRequested)
            {
                string address = $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}";
                try
                {
                    using var response = await client.GetAsync($"/destination/{address}");
                    if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound)
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                    else
                    {
                        lock (failures)
                        {
                            failures.Add($"{address}: {(int)response.StatusCode}");
                        }
                    }
                }
                catch (HttpRequestException e)
                {
                    lock (failures)
                    {
                        failures.Add($"{address}: {e.Message}");
                    }
                }
            }
        })).ToList();

        // Traffic flows, then the orchestrator sends SIGTERM; the balancer polls readiness every 100 ms.
        while (Interlocked.Read(ref succeeded) < 200)
        {
            await Task.Delay(20);
        }

        server.Terminate();
        var signalled = Stopwatch.StartNew();
        using (var balancer = server.NewClient())
        {
            while (true)
            {
                using var probe = await balancer.GetAsync("/readyz");
                if (probe.StatusCode != HttpStatusCode.OK)
                {
                    break;
                }

                Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(2.5), "readiness still 200 2.5 s after SIGTERM");
                await Task.Delay(100);
            }
        }

        long atRemoval = Interlocked.Read(ref succeeded);
        inRotation.Cancel(); // out of rotation: no new requests
        await Task.WhenAll(clients);

        Assert.True(failures.Count == 0, $"{failures.Count} requests failed during the restart, e.g. {string.Join("; ", failures.Take(3))}");
        Assert.True(atRemoval >= 200, $"only {atRemoval} requests succeeded");
        int exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {server.Stderr}");
    }
}
