using System.Diagnostics;
using System.Globalization;
using Crossroads.Geocoding.Index;

namespace Crossroads.Benchmarks.Geocoding;

/// <summary>
/// <c>geocode-import DATA.ndjson[.gz] INDEX.geoidx</c>: the server's import (streaming build, temp file, verify,
/// rename), then the time to open the written index. Run it under <c>/usr/bin/time -v</c> for the peak memory.
/// </summary>
internal static class GeocodeImportCommand
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: geocode-import DATA.ndjson[.gz] INDEX.geoidx");
            return 2;
        }
        if (args.Length > 2 && args[2] == "--phases")
        {
            // Where an import spends its time: parsing alone, parsing + spilling, then building and writing.
            var phase = Stopwatch.StartNew();
            var count = Crossroads.Geocoding.Data.AddokNdjsonReader.ReadFile(args[0]).Count();
            Console.WriteLine($"parse only: {count} lines in {phase.Elapsed.TotalSeconds:F1} s");
            phase.Restart();
            using var builder = new GeocoderIndexBuilder(null, Path.GetDirectoryName(Path.GetFullPath(args[1])));
            builder.AddRange(Crossroads.Geocoding.Data.AddokNdjsonReader.ReadFile(args[0]));
            Console.WriteLine($"parse + spill: {phase.Elapsed.TotalSeconds:F1} s");
            phase.Restart();
            builder.WriteTo(args[1] + ".phases");
            Console.WriteLine($"build + write: {phase.Elapsed.TotalSeconds:F1} s");
            return 0;
        }
        var result = IndexFiles.Import(args[0], args[1]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {result.Documents:N0} documents into {result.IndexFile}: {result.Bytes / 1024.0 / 1024.0:N1} MiB in {result.Elapsed.TotalSeconds:F1} s"));
        var clock = Stopwatch.StartNew();
        var index = GeocoderIndex.Open(args[1]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"opened in {clock.Elapsed.TotalMilliseconds:F0} ms: {index.DocumentCount:N0} documents, {index.HousenumberCount:N0} housenumbers, {index.TermCount:N0} terms"));
        foreach (var (part, bytes) in index.MemoryBreakdown())
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {part,-14} {bytes / 1024.0 / 1024.0,10:N1} MiB"));
        }
        return 0;
    }
}
