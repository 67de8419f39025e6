using Crossroads.Geocoding.Index;

namespace Crossroads.Geocoding.Tests;

/// <summary>
/// The real BAN sample (../shared/data/ban-sample-nc.ndjson.gz beside the repository, or GEOCODER_SAMPLE). Tests
/// that need it use <see cref="SampleFactAttribute"/>, which skips them with a message when the file is absent.
/// </summary>
public static class SampleData
{
    private static readonly Lazy<GeocoderIndex> LazyIndex = new(OpenMapped);

    public static string? Path { get; } = Locate();

    /// <summary>The sample imported into an index file and memory-mapped, as the server serves it.</summary>
    public static GeocoderIndex Index => LazyIndex.Value;

    private static GeocoderIndex OpenMapped()
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"crossroads-geo-tests-{Environment.ProcessId}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        var result = IndexFiles.Import(Path!, System.IO.Path.Combine(directory, "sample" + IndexFiles.Extension));
        return GeocoderIndex.Open(result.IndexFile);
    }

    private static string? Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("GEOCODER_SAMPLE");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return File.Exists(fromEnv) ? fromEnv : null;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Crossroads.slnx")))
            {
                var candidate = System.IO.Path.GetFullPath(
                    System.IO.Path.Combine(dir.FullName, "..", "shared", "data", "ban-sample-nc.ndjson.gz"));
                return File.Exists(candidate) ? candidate : null;
            }
        }
        return null;
    }
}

/// <summary>A fact over the real BAN sample: skipped, with the path it looked for, when the file is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SampleFactAttribute : FactAttribute
{
    public SampleFactAttribute()
    {
        if (SampleData.Path is null)
        {
            Skip = "BAN sample absent: expected ../shared/data/ban-sample-nc.ndjson.gz beside the repository (or set GEOCODER_SAMPLE)";
        }
    }
}

/// <summary>A theory over the real BAN sample (skipped when absent).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SampleTheoryAttribute : TheoryAttribute
{
    public SampleTheoryAttribute()
    {
        if (SampleData.Path is null)
        {
            Skip = "BAN sample absent: expected ../shared/data/ban-sample-nc.ndjson.gz beside the repository (or set GEOCODER_SAMPLE)";
        }
    }
}
