using Crossroads.Geocoding.Index;

namespace Crossroads.Geocoding.Tests;

/// <summary>The subset bundled for <c>dotnet run</c> (src/Crossroads.Server/data/geocoder-sample.ndjson.gz).</summary>
public sealed class BundledSampleTests
{
    private static string BundledPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Crossroads.slnx")))
            {
                return Path.Combine(dir.FullName, "src", "Crossroads.Server", "data", "geocoder-sample.ndjson.gz");
            }
        }
        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void Bundled_subset_loads_and_answers_with_its_notice_beside_it()
    {
        var path = BundledPath();
        Assert.True(File.Exists(Path.ChangeExtension(Path.ChangeExtension(path, null), ".NOTICE")));
        var index = GeocoderIndex.LoadFile(path);
        Assert.Equal(204, index.DocumentCount);
        Assert.Equal(2907, index.HousenumberCount);
        Assert.Equal("98825_y6as4k_00010", index.Search("10 rue des sapins pouembout")[0].Id);
        Assert.Equal("98811", index.Search("kone")[0].Id);
        Assert.Equal("housenumber", index.Reverse(-21.120919, 164.900792)[0].Type);
    }
}
