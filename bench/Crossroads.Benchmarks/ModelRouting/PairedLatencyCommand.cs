using System.Globalization;

namespace Crossroads.Benchmarks.ModelRouting;

/// <summary>
/// <c>dotnet run -c Release -- ttft DIRECT_URL ROUTER_URL [REQUESTS=2000] [WARMUP=300]</c>: time to the first content
/// chunk of streaming chat completions, sent one at a time, alternately straight to the fake upstream
/// (bench/load/FakeLlm with a fixed <c>--FirstTokenMs</c>) and through the router configured in front of it (the
/// order flips every pair, so drift and a slow moment hit both sides). Prints p50/p90/p99/max of each and the
/// router's added time (router percentile − direct percentile). Exit 1 when any stream failed.
/// <c>latency DIRECT_URL ROUTER_URL [REQUESTS] [WARMUP]</c> does the same with non-streaming requests, timing the
/// whole answer: request-by-request alternation, so unlike two wrk runs both sides see the same moments of a shared
/// machine.
/// With <c>LATENCY_LOG=FILE</c> every request (warm-up included) is also written to FILE, one line each:
/// <c>start_unix_us side ms warmup</c> (side 0 = direct, 1 = router), to line the slow ones up with the router's runtime
/// events (<c>runtime-events</c>) or a scheduler trace.
/// <para>
/// When the fake stamps its first word (<c>--StampFirstToken true</c>), <c>ttft</c> also prints each side's path time:
/// per request, the time to first content minus the fake's own wait from receiving the request to writing that word
/// (read from the stamp; one monotonic clock for both processes). The fake's timer jitter — several milliseconds at
/// p99 on a VM for a 20 ms wait, and independent between the two sides — then drops out of both, and router path −
/// direct path per percentile is what the router adds: its request handling and upstream call before the fake's
/// handler runs, and after the first word leaves the fake, the router waking up, reading it and writing it on.
/// </para>
/// </summary>
public static class PairedLatencyCommand
{
    public static async Task<int> RunAsync(string[] args, bool whole = false)
    {
        string what = whole ? "latency" : "ttft";
        if (args.Length < 2)
        {
            Console.Error.WriteLine($"usage: {what} DIRECT_URL ROUTER_URL [REQUESTS=2000] [WARMUP=300]");
            return 2;
        }

        var direct = new Uri(args[0]);
        var router = new Uri(args[1]);
        int requests = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000;
        int warmup = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 300;
        using var http = ChatStreamProbe.NewClient();
        var times = new List<double>[] { new(requests), new(requests) };
        var paths = new List<double>[] { new(requests), new(requests) };
        int errors = 0;
        using var log = Environment.GetEnvironmentVariable("LATENCY_LOG") is { Length: > 0 } path ? new StreamWriter(path) : null;
        for (int i = 0; i < warmup + requests; i++)
        {
            for (int k = 0; k < 2; k++)
            {
                int side = (i + k) % 2; // 0 = direct, 1 = router; who goes first alternates
                var url = side == 0 ? direct : router;
                long startUs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
                var outcome = whole
                    ? await ChatStreamProbe.RunWholeAsync(http, url, CancellationToken.None).ConfigureAwait(false)
                    : await ChatStreamProbe.RunAsync(http, url, null, CancellationToken.None).ConfigureAwait(false);
                if (!outcome.Done || double.IsNaN(outcome.FirstContentSeconds))
                {
                    errors++;
                    Console.Error.WriteLine((side == 0 ? "direct: " : "router: ") + (outcome.Error ?? "no content"));
                }
                else
                {
                    log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{startUs} {side} {outcome.FirstContentSeconds * 1000:0.000} {(i < warmup ? 1 : 0)}"));
                    if (i >= warmup)
                    {
                        times[side].Add(outcome.FirstContentSeconds * 1000);
                        if (!double.IsNaN(outcome.UpstreamSeconds))
                        {
                            paths[side].Add(outcome.PathSeconds * 1000);
                        }
                    }
                }
            }
        }

        double[] quantiles = [0.5, 0.9, 0.99, 1.0];
        var d = quantiles.Select(q => Percentile(times[0], q)).ToArray();
        var r = quantiles.Select(q => Percentile(times[1], q)).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what} direct ms: p50 {d[0]:0.000} p90 {d[1]:0.000} p99 {d[2]:0.000} max {d[3]:0.000} (n={times[0].Count})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what} router ms: p50 {r[0]:0.000} p90 {r[1]:0.000} p99 {r[2]:0.000} max {r[3]:0.000} (n={times[1].Count})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what} added ms: p50 {r[0] - d[0]:0.000} p90 {r[1] - d[1]:0.000} p99 {r[2] - d[2]:0.000} errors {errors}"));
        if (paths[0].Count == times[0].Count && paths[1].Count == times[1].Count && paths[0].Count > 0)
        {
            var dp = quantiles.Select(q => Percentile(paths[0], q)).ToArray();
            var rp = quantiles.Select(q => Percentile(paths[1], q)).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what} direct path ms (without the fake's own wait): p50 {dp[0]:0.000} p90 {dp[1]:0.000} p99 {dp[2]:0.000} max {dp[3]:0.000}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what} router path ms (without the fake's own wait): p50 {rp[0]:0.000} p90 {rp[1]:0.000} p99 {rp[2]:0.000} max {rp[3]:0.000}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what} added by the router, path against path, ms: p50 {rp[0] - dp[0]:0.000} p90 {rp[1] - dp[1]:0.000} p99 {rp[2] - dp[2]:0.000}"));
        }
        return errors == 0 ? 0 : 1;
    }

    /// <summary>Nearest-rank percentile (q = 1: the maximum).</summary>
    internal static double Percentile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        int rank = (int)Math.Ceiling(q * values.Count);
        return values[Math.Clamp(rank - 1, 0, values.Count - 1)];
    }
}
