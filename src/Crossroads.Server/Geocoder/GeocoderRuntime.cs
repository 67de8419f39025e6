using Crossroads.Geocoding.Index;

namespace Crossroads.Server.Geocoder;

/// <summary>The loaded index (null until the loader publishes it); readers take no lock.</summary>
internal sealed class GeocoderRuntime
{
    private volatile GeocoderIndex? _index;

    public GeocoderIndex? Index => _index;

    public void Publish(GeocoderIndex index) => _index = index;
}
