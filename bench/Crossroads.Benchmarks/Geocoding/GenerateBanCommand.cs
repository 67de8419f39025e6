using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Crossroads.Geocoding.Synthetic;

namespace Crossroads.Benchmarks.Geocoding;

/// <summary>
/// <c>generate-ban OUTPUT.ndjson[.gz] [municipalities] [streets] [seed]</c>: a synthetic national base in Addok's
/// import format (defaults: BAN-sized, 35,000 municipalities, 2.3 M streets, ~26 M housenumbers). Never commit it.
/// </summary>
internal static class GenerateBanCommand
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: generate-ban OUTPUT.ndjson[.gz] [municipalities] [streets] [seed]");
            return 2;
        }

        var options = new SyntheticBanOptions();
        if (args.Length > 1)
        {
            options = options with { Municipalities = int.Parse(args[1], CultureInfo.InvariantCulture) };
        }

        if (args.Length > 2)
        {
            options = options with { Streets = int.Parse(args[2], CultureInfo.InvariantCulture) };
        }

        if (args.Length > 3)
        {
            options = options with { Seed = int.Parse(args[3], CultureInfo.InvariantCulture) };
        }

        var clock = Stopwatch.StartNew();
        using var file = File.Create(args[0]);
        using var buffered = new BufferedStream(file, 1 << 20);
        Stream output = args[0].EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(buffered, CompressionLevel.Fastest) : buffered;
        SyntheticBanStatistics statistics;
        using (output)
        {
            statistics = SyntheticBanWriter.Write(output, options);
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{args[0]}: {statistics.Municipalities:N0} municipalities, {statistics.Streets:N0} streets, {statistics.Housenumbers:N0} housenumbers in {clock.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }
}
