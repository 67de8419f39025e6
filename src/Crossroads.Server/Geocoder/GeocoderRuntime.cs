using Crossroads.Geocoding.Index;

namespace Crossroads.Server.Geocoder;

/// <summary>
/// The live index (null until the loader publishes it); readers take no lock. A reader that took <see cref="Index"/>
/// keeps using that index until it is done, even if a new one is published meanwhile: the index object keeps its
/// memory mapping alive, and the mapping of a retired index is released once no request refers to it (its finalizer).
/// </summary>
internal sealed class GeocoderRuntime
{
    private volatile GeocoderIndex? _index;

    public GeocoderIndex? Index => _index;

    public void Publish(GeocoderIndex index) => _index = index;
}
