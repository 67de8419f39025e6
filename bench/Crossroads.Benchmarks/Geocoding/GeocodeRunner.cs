using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crossroads.Geocoding.Index;
using Crossroads.Geocoding.Search;

namespace Crossroads.Benchmarks.Geocoding;

/// <summary>
/// <c>dotnet run -c Release -- geocode DATA.ndjson.gz|INDEX.geoidx QUERIES.jsonl OUT.jsonl</c>: runs a query file (made by
/// make-queries.py) and writes one JSON line per query with the top results, in the same shape as the Addok
/// reference runner, so both can be compared (compare.py). Prints load time, memory and latency percentiles.
/// </summary>
public static class GeocodeRunner
{
    public static int Run(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: geocode DATA.ndjson[.gz] QUERIES.jsonl OUT.jsonl [PASSES]");
            return 2;
        }
        var before = GC.GetTotalMemory(true);
        var sw = Stopwatch.StartNew();
        // An index file (.geoidx, written by geocode-import) is memory-mapped; a data file is indexed in memory.
        var index = args[0].EndsWith(IndexFiles.Extension, StringComparison.Ordinal)
            ? GeocoderIndex.Open(args[0])
            : GeocoderIndex.LoadFile(args[0]);
        var loadMs = sw.Elapsed.TotalMilliseconds;
        var after = GC.GetTotalMemory(true);
        Console.WriteLine($"loaded {index.DocumentCount} documents, {index.HousenumberCount} housenumbers, {index.TermCount} terms in {loadMs:0} ms; managed heap +{(after - before) / 1024.0 / 1024.0:0.0} MiB, index arrays ~{index.EstimatedMemoryBytes() / 1024.0 / 1024.0:0.0} MiB");
        var passes = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1;
        foreach (var (part, bytes) in index.MemoryBreakdown())
        {
            Console.WriteLine($"  {part,-14} {bytes / 1024.0,10:0.0} KiB");
        }
        // Terms common enough to get a DocBitmap when an intersection first probes them (the lazily built part of the index).
        var common = Enumerable.Range(0, index.TermCount).Count(t => (long)index.Frequency(t) * DocBitmap.Density >= index.DocumentCount);
        Console.WriteLine($"terms in 1/{DocBitmap.Density} of the documents or more: {common} (bitmaps {common * ((index.DocumentCount + 63) / 64) * 12 / 1024.0 / 1024.0:0.0} MiB if all are built)");
        var timings = new List<double>();
        var cpuTimings = new List<double>();
        var perQuery = new List<(double Ms, double CpuMs, string Variant, string Text)>();
        for (var pass = 1; pass < passes; pass++)
        {
            // Warm-up passes (JIT, page cache, the index's lazily built filter lists and bitmaps): the same queries
            // with the same options; timings of the last pass only are reported.
            var queries = File.ReadLines(args[1]).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
            var passStart = ThreadCpuClock.IsSupported ? ThreadCpuClock.Seconds() : 0;
            foreach (var q in queries)
            {
                Execute(index, q);
            }
            if (ThreadCpuClock.IsSupported)
            {
                // The searches alone (queries parsed before): per-pass means are steadier than per-query percentiles
                // on a shared machine, for A/B comparisons of search CPU.
                Console.WriteLine($"pass {pass}: thread CPU {(ThreadCpuClock.Seconds() - passStart) * 1e3 / queries.Count:0.000} ms per query");
            }
        }
        using var output = new StreamWriter(args[2]);
        foreach (var line in File.ReadLines(args[1]))
        {
            var q = JsonNode.Parse(line)!.AsObject();
            var start = Stopwatch.GetTimestamp();
            var cpuStart = ThreadCpuClock.IsSupported ? ThreadCpuClock.Seconds() : 0;
            var results = Execute(index, q);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var cpuMs = ThreadCpuClock.IsSupported ? (ThreadCpuClock.Seconds() - cpuStart) * 1e3 : double.NaN;
            if (ThreadCpuClock.IsSupported)
            {
                cpuTimings.Add(cpuMs);
            }
            timings.Add(elapsed);
            perQuery.Add((elapsed, cpuMs, q["variant"]?.GetValue<string>() ?? "", q["q"]?.GetValue<string>() ?? $"reverse {q["lat"]} {q["lon"]}"));
            var array = new JsonArray();
            foreach (var r in results)
            {
                array.Add(new JsonObject
                {
                    ["label"] = r.Label,
                    ["score"] = r.Score,
                    ["id"] = r.Id,
                    ["type"] = r.Type,
                    ["distance"] = r.Distance,
                    ["lat"] = r.Lat,
                    ["lon"] = r.Lon,
                });
            }
            output.WriteLine(new JsonObject { ["q"] = q.DeepClone(), ["ms"] = Math.Round(elapsed, 4), ["results"] = array }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        }
        timings.Sort();
        double P(double p) => timings.Count == 0 ? 0 : timings[Math.Min(timings.Count - 1, (int)(p * timings.Count))];
        Console.WriteLine($"{timings.Count} queries: p50 {P(0.5):0.000} ms, p95 {P(0.95):0.000} ms, p99 {P(0.99):0.000} ms, max {timings[^1]:0.000} ms {(passes > 1 ? $"(after {passes - 1} warm-up pass(es))" : "(first-call JIT included)")}");
        if (cpuTimings.Count > 0)
        {
            // CPU time of the searching thread alone: what the wall-clock percentiles would be without the time
            // slices lost to other processes on a shared machine (GC pauses on other threads are not counted).
            cpuTimings.Sort();
            double C(double p) => cpuTimings[Math.Min(cpuTimings.Count - 1, (int)(p * cpuTimings.Count))];
            // The mean is what a batch (the CSV endpoint) pays per row: the tail weighs in it, unlike in the median.
            Console.WriteLine($"thread CPU per query: mean {cpuTimings.Average():0.000} ms, p50 {C(0.5):0.000} ms, p95 {C(0.95):0.000} ms, p99 {C(0.99):0.000} ms, max {cpuTimings[^1]:0.000} ms");
        }
        ReportTail(perQuery);
        return 0;
    }

    // Where the tail comes from: percentiles per query variant, then the slowest queries themselves.
    private static void ReportTail(List<(double Ms, double CpuMs, string Variant, string Text)> perQuery)
    {
        foreach (var group in perQuery.GroupBy(q => q.Variant).OrderByDescending(g => g.Max(q => q.Ms)))
        {
            var ms = group.Select(q => q.Ms).Order().ToList();
            double P(double p) => ms[Math.Min(ms.Count - 1, (int)(p * ms.Count))];
            Console.WriteLine($"  {group.Key,-22} {ms.Count,5}  p50 {P(0.5),8:0.000}  p95 {P(0.95),8:0.000}  p99 {P(0.99),8:0.000}  max {ms[^1],8:0.000} ms");
        }
        Console.WriteLine("slowest (by thread CPU when available):");
        foreach (var (ms, cpuMs, variant, text) in perQuery.OrderByDescending(q => double.IsNaN(q.CpuMs) ? q.Ms : q.CpuMs).Take(15))
        {
            Console.WriteLine($"  {ms,8:0.000} ms wall {cpuMs,8:0.000} ms CPU  {variant,-22} {text}");
        }
    }

    private static IReadOnlyList<GeocodeResult> Execute(GeocoderIndex index, JsonObject q)
    {
        if (q["reverse"]?.GetValue<bool>() == true)
        {
            return index.Reverse(q["lat"]!.GetValue<double>(), q["lon"]!.GetValue<double>(), new ReverseOptions
            {
                Limit = q["limit"]?.GetValue<int>() ?? 1,
                Types = List(q, "type"),
            });
        }
        return index.Search(q["q"]!.GetValue<string>(), new SearchOptions
        {
            Limit = q["limit"]?.GetValue<int>() ?? 5,
            Autocomplete = q["autocomplete"]?.GetValue<bool>() ?? true,
            Lat = q["lat"]?.GetValue<double>(),
            Lon = q["lon"]?.GetValue<double>(),
            Types = List(q, "type"),
            Postcodes = List(q, "postcode"),
            Citycodes = List(q, "citycode"),
        });
    }

    private static string[]? List(JsonObject q, string key) =>
        q[key] is { } v ? [v.GetValue<string>()] : null;
}
