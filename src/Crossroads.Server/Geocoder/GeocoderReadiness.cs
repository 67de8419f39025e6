using Crossroads.Hosting;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// What the module's health check reports in its <c>data</c>: whether the index is loaded and, once it is, its document
/// counts by type (municipalities, streets, localities), housenumbers and terms. Read from the published index at each
/// probe, so a swapped index reports its own counts.
/// </summary>
internal sealed class GeocoderReadiness
{
    public GeocoderReadiness(GeocoderRuntime runtime, [FromKeyedServices(ModuleCatalog.Names.Geocoder)] ModuleStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.ReportData(() => Data(runtime));
    }

    internal static IReadOnlyDictionary<string, object> Data(GeocoderRuntime runtime)
    {
        if (runtime.Index is not { } index)
        {
            return new Dictionary<string, object>(StringComparer.Ordinal) { ["index_loaded"] = false };
        }

        var counts = index.DocumentCountsByType();
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["index_loaded"] = true,
            ["documents"] = index.DocumentCount,
            // Always present, so a probe can read them without knowing which types the data file has.
            ["municipalities"] = counts.GetValueOrDefault("municipality"),
            ["streets"] = counts.GetValueOrDefault("street"),
            ["localities"] = counts.GetValueOrDefault("locality"),
            ["housenumbers"] = index.HousenumberCount,
            ["terms"] = index.TermCount,
        };
        foreach (var (type, count) in counts)
        {
            if (type is not ("municipality" or "street" or "locality"))
            {
                data.TryAdd(type, count); // another type of document the data file uses (Addok accepts any)
            }
        }

        return data;
    }
}
