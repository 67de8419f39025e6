using BenchmarkDotNet.Running;
using Crossroads.Benchmarks.Quick;

if (args.Length > 0 && args[0] == "check-cost")
{
    return Crossroads.Benchmarks.Experiment.GenerationCheckCost.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "direct-layout")
{
    return Crossroads.Benchmarks.Experiment.DirectLayoutCost.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "v6-bulk")
{
    return Crossroads.Benchmarks.Experiment.V6BulkCost.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "sparse-blocks")
{
    return Crossroads.Benchmarks.Experiment.SparseBlockCost.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "geocode")
{
    return Crossroads.Benchmarks.Geocoding.GeocodeRunner.Run(args[1..]);
}

if (args.Length > 2 && args[0] == "geocode-index-path")
{
    // The index file name the server uses for a data file in an index directory.
    Console.WriteLine(Crossroads.Geocoding.Index.IndexFiles.IndexPathFor(args[1], args[2]));
    return 0;
}

if (args.Length > 0 && args[0] == "geocode-import")
{
    return Crossroads.Benchmarks.Geocoding.GeocodeImportCommand.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "generate-ban")
{
    return Crossroads.Benchmarks.Geocoding.GenerateBanCommand.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "ttft")
{
    return await Crossroads.Benchmarks.ModelRouting.PairedLatencyCommand.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "latency")
{
    return await Crossroads.Benchmarks.ModelRouting.PairedLatencyCommand.RunAsync(args[1..], whole: true).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "budget-ledger")
{
    return await Crossroads.Benchmarks.ModelRouting.BudgetLedgerCommand.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "runtime-events")
{
    return Crossroads.Benchmarks.ModelRouting.RuntimeEventsCommand.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "streams")
{
    return await Crossroads.Benchmarks.ModelRouting.StreamsCommand.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "quick")
{
    return QuickBenchmark.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(QuickBenchmark).Assembly).Run(args);
return 0;
