namespace Crossroads.Geocoding.Index;

/// <summary>Distances and geohash cells as Addok computes them (addok/helpers/__init__.py, python-geohash).</summary>
public static class GeoMath
{
    /// <summary>The Earth radius Addok's <c>haversine_distance</c> uses, in km.</summary>
    public const double EarthRadiusKm = 6367;

    /// <summary>Great-circle distance in km (Addok's <c>haversine_distance</c>).</summary>
    public static double HaversineKm(double lat1, double lon1, double lat2, double lon2)
    {
        var rLat1 = lat1 * Math.PI / 180;
        var rLat2 = lat2 * Math.PI / 180;
        var dLat = rLat2 - rLat1;
        var dLon = (lon2 - lon1) * Math.PI / 180;
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
            + (Math.Cos(rLat1) * Math.Cos(rLat2) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return EarthRadiusKm * 2 * Math.Asin(Math.Sqrt(a));
    }

    /// <summary>Addok's <c>km_to_score</c>: exp(-(km/50)²), 0 past 100 km.</summary>
    public static double KmToScore(double km) => km > 100 ? 0.0 : Math.Exp(-Math.Pow(km / 50.0, 2));

    // Geohash precision 7 = 35 bits: 18 for longitude, 17 for latitude.
    private const int LonBits = 18;
    private const int LatBits = 17;

    /// <summary>The precision-7 geohash cell of a point as (latitude index, longitude index), packed.</summary>
    public static long GeohashCell(double lat, double lon)
    {
        var latIndex = (long)Math.Floor((lat + 90) / 180 * (1L << LatBits));
        var lonIndex = (long)Math.Floor((lon + 180) / 360 * (1L << LonBits));
        latIndex = Math.Clamp(latIndex, 0, (1L << LatBits) - 1);
        lonIndex = Math.Clamp(lonIndex, 0, (1L << LonBits) - 1);
        return (latIndex << 32) | lonIndex;
    }

    /// <summary>The cell and its 8 neighbours (python-geohash <c>expand</c>).</summary>
    public static long[] GeohashExpand(long cell)
    {
        var latIndex = cell >> 32;
        var lonIndex = cell & 0xffffffffL;
        var result = new List<long>(9);
        for (var dLat = -1; dLat <= 1; dLat++)
        {
            var la = latIndex + dLat;
            if (la < 0 || la >= (1L << LatBits))
            {
                continue;
            }
            for (var dLon = -1; dLon <= 1; dLon++)
            {
                var lo = (lonIndex + dLon + (1L << LonBits)) % (1L << LonBits);
                result.Add((la << 32) | lo);
            }
        }
        return [.. result];
    }
}
