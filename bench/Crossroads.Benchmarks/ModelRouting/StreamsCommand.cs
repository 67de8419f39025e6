using System.Diagnostics;
using System.Globalization;

namespace Crossroads.Benchmarks.ModelRouting;

/// <summary>
/// <c>dotnet run -c Release -- streams URL [COUNT=1000] [RAMP_SECONDS=2]</c>: opens COUNT streaming chat completions
/// at once (started evenly over RAMP_SECONDS, so the listen backlog is not the thing measured) against URL and
/// reads every one to its end. Against a slow fake upstream (bench/load/FakeLlm <c>--InterTokenMs 100 --Tokens 100</c>:
/// ~10 s per stream) they are all open together. Prints how many completed with <c>[DONE]</c>, how many failed and
/// why, the most that were flowing at once, and time-to-first-content percentiles. Exit 1 when any failed.
/// </summary>
public static class StreamsCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: streams URL [COUNT=1000] [RAMP_SECONDS=2]");
            return 2;
        }

        var url = new Uri(args[0]);
        int count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        double ramp = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        using var http = ChatStreamProbe.NewClient();
        int flowing = 0, maxFlowing = 0;
        var watch = Stopwatch.StartNew();
        var tasks = new List<Task<ChatStreamProbe.Outcome>>(count);
        for (int i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds(ramp * i / count);
            if (due > watch.Elapsed)
            {
                await Task.Delay(due - watch.Elapsed).ConfigureAwait(false);
            }

            tasks.Add(Task.Run(async () =>
            {
                var outcome = await ChatStreamProbe.RunAsync(http, url, () =>
                {
                    int now = Interlocked.Increment(ref flowing);
                    int max;
                    while (now > (max = Volatile.Read(ref maxFlowing)) && Interlocked.CompareExchange(ref maxFlowing, now, max) != max)
                    {
                    }
                }, CancellationToken.None).ConfigureAwait(false);
                if (!double.IsNaN(outcome.FirstContentSeconds))
                {
                    Interlocked.Decrement(ref flowing);
                }

                return outcome;
            }));
        }

        var outcomes = await Task.WhenAll(tasks).ConfigureAwait(false);
        var elapsed = watch.Elapsed.TotalSeconds;
        int done = outcomes.Count(static o => o.Done);
        var errors = outcomes.Where(static o => o.Error is not null).GroupBy(static o => o.Error!).OrderByDescending(static g => g.Count()).ToList();
        var firsts = outcomes.Where(static o => !double.IsNaN(o.FirstContentSeconds)).Select(static o => o.FirstContentSeconds * 1000).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"streams: {count} opened, {done} completed with [DONE], {count - done} failed, at most {maxFlowing} flowing at once, {elapsed:0.0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first content ms: p50 {PairedLatencyCommand.Percentile(firsts, 0.5):0.0} p99 {PairedLatencyCommand.Percentile(firsts, 0.99):0.0} max {PairedLatencyCommand.Percentile(firsts, 1):0.0}"));
        foreach (var g in errors.Take(5))
        {
            Console.WriteLine($"  {g.Count()} × {g.Key}");
        }

        return done == count ? 0 : 1;
    }
}
