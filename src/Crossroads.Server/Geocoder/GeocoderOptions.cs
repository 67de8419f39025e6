using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// Settings of the geocoder module, section <c>Geocoder</c>: the data file imported at start (alias <c>GEOCODER_DATA</c>),
/// the directory of its index file (alias <c>DATA_DIR</c>) and the limits of the CSV and reverse endpoints.
/// </summary>
public sealed class GeocoderOptions
{
    /// <summary>The bundled subset (Pouembout and Koné) that <c>dotnet run</c> serves.</summary>
    public static readonly string BundledSample = Path.Combine(AppContext.BaseDirectory, "data", "geocoder-sample.ndjson.gz");

    /// <summary>Addok import file (NDJSON, optionally gzipped) indexed at start.</summary>
    [Description("Addok/BAN import file (.ndjson or .ndjson.gz) indexed at start; alias GEOCODER_DATA. Defaults to the bundled sample (Pouembout and Koné).")]
    [Required]
    public string DataFile { get; set; } = BundledSample;

    /// <summary>Directory of the index file built from <see cref="DataFile"/> (alias <c>DATA_DIR</c>).</summary>
    [Description("Directory of the memory-mapped index file built from DataFile (imported at start when missing or older than DataFile); alias DATA_DIR. Empty: the server's data folder.")]
    public string? IndexDirectory { get; set; }

    /// <summary>How often the data file is checked for a newer version, which is then imported and swapped in.</summary>
    [Description("Seconds between checks of DataFile's modification time: a newer file is imported beside the live index and swapped in without dropping requests. 0 turns the watch off.")]
    [Range(0, 86_400)]
    public int WatchSeconds { get; set; } = 30;

    /// <summary>The index directory in effect.</summary>
    internal string EffectiveIndexDirectory =>
        string.IsNullOrWhiteSpace(IndexDirectory) ? Path.Combine(AppContext.BaseDirectory, "data") : IndexDirectory;

    /// <summary>Largest CSV upload accepted by /search/csv and /reverse/csv.</summary>
    [Description("Largest request body (bytes) of POST /search/csv and /reverse/csv; the rows are streamed, so memory does not grow with it.")]
    [Range(1024L, 10L * 1024 * 1024 * 1024)]
    public long CsvMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Default <c>min_score</c> of /search/csv (Addok's CSV_MIN_SCORE).</summary>
    [Description("Default min_score of POST /search/csv (Addok's CSV_MIN_SCORE): a row gets its result only when the rounded score is above it.")]
    [Range(0.0, 1.0)]
    public double CsvMinScore { get; set; } = 0.5;

    /// <summary>Directory where a CSV upload is spooled when form fields follow its file part.</summary>
    [Description("Directory where a CSV upload is spooled (deleted after use) when form fields follow its 'data' part; empty: the system temp directory.")]
    public string CsvSpoolDirectory { get; set; } = string.Empty;

    /// <summary>Most queries in one POST /batch (addok-server's limit is 100).</summary>
    [Description("Most queries ('requests') in one POST /batch; more is a 400 for the whole request, as addok-server answers.")]
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>Largest body of POST /batch.</summary>
    [Description("Largest request body (bytes) of POST /batch; larger is a 413. The default fits 100 queries of 200 characters with room to spare.")]
    [Range(1024L, 64L * 1024 * 1024)]
    public long BatchMaxBytes { get; set; } = 256 * 1024;

    /// <summary>Reverse answers farther than this are not returned.</summary>
    [Description("GET /reverse and POST /reverse/csv return nothing farther than this many metres from the point.")]
    [Range(1.0, 1_000_000.0)]
    public double ReverseMaxDistanceMeters { get; set; } = 10_000;
}
