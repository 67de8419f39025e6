using System.Globalization;
using Crossroads.RoutingTable;
using Crossroads.RoutingTable.Fib;
using Crossroads.RoutingTable.Loading;

namespace Crossroads.Benchmarks.Experiment;

/// <summary>
/// What every in-process lookup experiment starts from, parsed from `ROUTES [ROUNDS] [SECONDS]`: the full table, its
/// IPv4 FIB and 4 M uniform random and 4 M in-prefix addresses (fixed seeds, so runs compare).
/// </summary>
internal sealed class LookupExperiment
{
    private LookupExperiment(string[] args)
    {
        Rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        Seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0.5;
        Table = RouteTable.Create(RouteFileLoader.Load(args[0]));
        Random = Workload.RandomV4(1 << 22, 1);
        Inside = Workload.InsideV4(Snapshot, 1 << 22, 2);
    }

    public int Rounds { get; }

    public double Seconds { get; }

    /// <summary>Keep it reachable while the FIB is read through raw pointers.</summary>
    public RouteTable Table { get; }

    public RouteTableSnapshot Snapshot => Table.Current;

    public PoptrieFib Fib => Snapshot.Set.V4;

    public uint[] Random { get; }

    public uint[] Inside { get; }

    public static LookupExperiment Load(string[] args) => new(args);

    public void Deconstruct(
        out RouteTable table,
        out RouteTableSnapshot snapshot,
        out PoptrieFib fib,
        out uint[] random,
        out uint[] inside,
        out int rounds,
        out double seconds) =>
        (table, snapshot, fib, random, inside, rounds, seconds) = (Table, Snapshot, Fib, Random, Inside, Rounds, Seconds);
}
