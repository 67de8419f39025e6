using System.Diagnostics;
using System.Globalization;
using Crossroads.ModelRouting.Budgets;
using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.Benchmarks.ModelRouting;

/// <summary>
/// What a budgeted request costs the ledger (reserve before the call, settle after), with budget leases and without
/// (every request reserving and settling in the store), alternated in one process on one store so both see the same
/// machine: <c>budget-ledger STORE ROUNDS SECONDS CONCURRENCY [CONNECTION]</c>, STORE one of memory, sqlite, postgresql
/// (CONNECTION: the Npgsql connection string; for sqlite a directory, default a temporary one). One hot payer (a key
/// and its tenant, both with a budget far above what the run spends), as a busy tenant behind a gateway is.
/// Prints each round (requests/s, p50 and p99 of reserve + settle) and the median ratio leased ÷ direct with its range.
/// </summary>
internal static class BudgetLedgerCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: budget-ledger memory|sqlite|postgresql ROUNDS SECONDS CONCURRENCY [CONNECTION]");
            return 2;
        }

        string store = args[0];
        int rounds = int.Parse(args[1], CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(double.Parse(args[2], CultureInfo.InvariantCulture));
        int concurrency = int.Parse(args[3], CultureInfo.InvariantCulture);
        string connection = args.Length > 4 ? args[4] : Path.Combine(Path.GetTempPath(), "budget-ledger-" + Guid.NewGuid().ToString("N"));
        var memory = new InMemorySpendStore();
        Func<CancellationToken, Task<ISpendStore>> open = store switch
        {
            "memory" => _ => Task.FromResult<ISpendStore>(memory),
            "sqlite" => async ct => await SqliteSpendStore.OpenAsync(connection, ct).ConfigureAwait(false),
            "postgresql" => async ct => await PostgresSpendStore.OpenAsync(connection, ct).ConfigureAwait(false),
            _ => throw new ArgumentException("store: memory, sqlite or postgresql", nameof(args)),
        };

        Console.WriteLine($"budget-ledger: store {store}, {rounds} rounds of {duration.TotalSeconds:0.#} s per mode, {concurrency} concurrent requests, one hot key and tenant");
        var ratios = new List<double>();
        var leasedP99 = new List<double>();
        var directP99 = new List<double>();
        await RunModeAsync(open, leased: true, TimeSpan.FromSeconds(1), concurrency).ConfigureAwait(false); // warm-up: JIT, pools, tables
        await RunModeAsync(open, leased: false, TimeSpan.FromSeconds(1), concurrency).ConfigureAwait(false);
        for (int round = 0; round < rounds; round++)
        {
            // A/B alternated: the order flips each round so a drifting machine favours neither.
            bool leasedFirst = round % 2 == 0;
            var first = await RunModeAsync(open, leasedFirst, duration, concurrency).ConfigureAwait(false);
            var second = await RunModeAsync(open, !leasedFirst, duration, concurrency).ConfigureAwait(false);
            var (leased, direct) = leasedFirst ? (first, second) : (second, first);
            Console.WriteLine($"round {round + 1}: leased {leased}; direct {direct}; ratio {leased.PerSecond / direct.PerSecond:0.0}x");
            ratios.Add(leased.PerSecond / direct.PerSecond);
            leasedP99.Add(leased.P99Us);
            directP99.Add(direct.P99Us);
        }

        Console.WriteLine(
            $"leased / direct requests/s: median {Median(ratios):0.0}x ({ratios.Min():0.0}-{ratios.Max():0.0}); p99 reserve+settle leased {Median(leasedP99):0.0} us, direct {Median(directP99):0.0} us (medians)");
        return 0;
    }

    private static async Task<Result> RunModeAsync(Func<CancellationToken, Task<ISpendStore>> open, bool leased, TimeSpan duration, int concurrency)
    {
        var accounts = new[] { new BudgetAccount("key:bench", 1_000_000m, BudgetPeriod.Total), new BudgetAccount("tenant:bench", 1_000_000m, BudgetPeriod.Total) };
        var ledger = new BudgetLedger(
            accounts,
            open,
            TimeProvider.System,
            TimeSpan.FromMinutes(15),
            leases: leased ? new BudgetLeaseOptions(1m, TimeSpan.FromSeconds(1)) : null);
        await using (ledger.ConfigureAwait(false))
        {
            var payer = new BudgetPayer("bench", "bench");
            var latencies = new List<long>[concurrency];
            var stop = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
            {
                var mine = latencies[w] = new List<long>(100_000);
                while (stop.Elapsed < duration)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    var admission = await ledger.ReserveAsync(payer, 0.0002m, default).ConfigureAwait(false);
                    await ledger.SettleAsync(admission.Reservation, 0.0001m).ConfigureAwait(false);
                    mine.Add(Stopwatch.GetTimestamp() - t0);
                }
            })).ToArray();
            await Task.WhenAll(workers).ConfigureAwait(false);
            double seconds = stop.Elapsed.TotalSeconds;
            var all = latencies.SelectMany(static l => l).Order().ToArray();
            double us(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
            return new Result(all.Length / seconds, us(all[all.Length / 2]), us(all[(int)(all.Length * 0.99)]));
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private readonly record struct Result(double PerSecond, double P50Us, double P99Us)
    {
        public override string ToString() => $"{PerSecond:0}/s p50 {P50Us:0.0} us p99 {P99Us:0.0} us";
    }
}
