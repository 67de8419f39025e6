using BenchmarkDotNet.Attributes;
using Crossroads.Benchmarks.Lookup;
using Crossroads.Geocoding.Data;
using Crossroads.Geocoding.Index;

namespace Crossroads.Benchmarks.Geocoding;

/// <summary>
/// In-process search and reverse on the BAN sample (../shared/data/ban-sample-nc.ndjson.gz, or GEOCODER_SAMPLE).
/// Each invocation runs <see cref="Count"/> pre-built queries taken from random housenumbers of the sample (seeded):
/// the exact label, the label without city, one typo, an autocomplete prefix; reverse runs on points within ~50 m
/// of random housenumbers. Run: <c>dotnet run -c Release -- --filter '*Geocoding*'</c>.
/// </summary>
[Config(typeof(LookupConfig))]
public class GeocodingBenchmarks
{
    private const int Count = 512;

    private GeocoderIndex _index = null!;
    private string[] _exact = null!;
    private string[] _noCity = null!;
    private string[] _typo = null!;
    private string[] _prefix = null!;
    private (double Lat, double Lon)[] _points = null!;

    internal static string SamplePath()
    {
        var fromEnv = Environment.GetEnvironmentVariable("GEOCODER_SAMPLE");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Crossroads.slnx")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "ban-sample-nc.ndjson.gz"));
            }
        }
        throw new FileNotFoundException("BAN sample not found: set GEOCODER_SAMPLE");
    }

    [GlobalSetup]
    public void Setup()
    {
        var path = SamplePath();
        _index = GeocoderIndex.LoadFile(path);
        var streets = AddokNdjsonReader.ReadFile(path).Where(d => d.Housenumbers.Count > 0 && d.Names.Count > 0).ToList();
        var random = new Random(7);
        _exact = new string[Count];
        _noCity = new string[Count];
        _typo = new string[Count];
        _prefix = new string[Count];
        _points = new (double, double)[Count];
        for (var i = 0; i < Count; i++)
        {
            var street = streets[random.Next(streets.Count)];
            var hn = street.Housenumbers[random.Next(street.Housenumbers.Count)];
            var city = street.Cities.Count > 0 ? street.Cities[0] : "";
            _exact[i] = $"{hn.Raw} {street.Names[0]} {city}";
            _noCity[i] = $"{hn.Raw} {street.Names[0]}";
            var name = street.Names[0];
            var at = 1 + random.Next(Math.Max(1, name.Length - 2));
            _typo[i] = $"{hn.Raw} {name[..at]}{(char)('a' + random.Next(26))}{name[Math.Min(name.Length, at + 1)..]} {city}";
            _prefix[i] = $"{hn.Raw} {name} {city[..Math.Min(city.Length, 4)]}";
            _points[i] = (hn.Lat + ((random.NextDouble() - 0.5) * 0.001), hn.Lon + ((random.NextDouble() - 0.5) * 0.001));
        }
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int SearchExact() => Run(_exact);

    [Benchmark(OperationsPerInvoke = Count)]
    public int SearchNoCity() => Run(_noCity);

    [Benchmark(OperationsPerInvoke = Count)]
    public int SearchTypo() => Run(_typo);

    [Benchmark(OperationsPerInvoke = Count)]
    public int SearchPrefix() => Run(_prefix);

    [Benchmark(OperationsPerInvoke = Count)]
    public int Reverse()
    {
        var found = 0;
        foreach (var (lat, lon) in _points)
        {
            found += _index.Reverse(lat, lon).Count;
        }
        return found;
    }

    private int Run(string[] queries)
    {
        var found = 0;
        foreach (var q in queries)
        {
            found += _index.Search(q).Count;
        }
        return found;
    }
}

/// <summary>Building the index from the gzip'd sample (parse, process, index).</summary>
[Config(typeof(LookupConfig))]
public class GeocodingLoadBenchmarks
{
    private string _path = null!;

    [GlobalSetup]
    public void Setup() => _path = GeocodingBenchmarks.SamplePath();

    [Benchmark]
    public int LoadSample() => GeocoderIndex.LoadFile(_path).DocumentCount;
}
