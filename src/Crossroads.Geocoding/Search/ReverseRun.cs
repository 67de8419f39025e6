using Crossroads.Geocoding.Index;

namespace Crossroads.Geocoding.Search;

/// <summary>
/// Reverse geocoding: the documents nearest to a point, each at the distance of its nearest housenumber (or its own
/// centre), ranked by Addok's geo score exp(-(km/50)²) (addok/core.py <c>Reverse</c>, results.<c>load_closer</c>,
/// <c>score_by_geo_distance</c>). Unlike Addok, which only looks at the 3×3 (then 5×5) precision-7 geohash cells
/// around the point, the grid search is exact up to <see cref="ReverseOptions.MaxDistanceMeters"/>.
/// </summary>
internal static class ReverseRun
{
    private const double MetersPerDegree = GeoMath.EarthRadiusKm * 1000 * Math.PI / 180;

    internal static IReadOnlyList<GeocodeResult> Run(GeocoderIndex ix, double lat, double lon, ReverseOptions options)
    {
        if (double.IsNaN(lat) || double.IsNaN(lon) || lat is < -90 or > 90 || lon is < -180 or > 180)
        {
            throw new ArgumentOutOfRangeException(nameof(lat), "lat must be in -90..90 and lon in -180..180");
        }
        var limit = Math.Max(1, options.Limit);
        var filter = DocFilter.Create(ix, options.Types, options.Postcodes, options.Citycodes);
        var (check, only) = DocFilter.HousenumberChecks(options.Types);
        var grid = ix.Grid;
        var best = new Dictionary<int, (double Km, int Hn)>();
        var qLat = ReverseGrid.LatIndex(lat);
        var qLon = ReverseGrid.LonIndex(lon);
        var maxKm = options.MaxDistanceMeters / 1000;
        for (var r = 0; ; r++)
        {
            for (var dLat = -r; dLat <= r; dLat++)
            {
                var onEdge = Math.Abs(dLat) == r;
                for (var dLon = -r; dLon <= r; dLon += onEdge ? 1 : 2 * r)
                {
                    Visit(ix, grid.Cell(qLat + dLat, qLon + dLon), lat, lon, check, only, filter, best);
                    if (r == 0)
                    {
                        break;
                    }
                }
            }
            // Unvisited points differ by at least r cells in latitude or longitude.
            var maxLat = Math.Min(89.9, Math.Abs(lat) + ((r + 1) * ReverseGrid.CellDegrees));
            var boundKm = r * ReverseGrid.CellDegrees * MetersPerDegree * Math.Cos(maxLat * Math.PI / 180) * 0.999 / 1000;
            if (boundKm > maxKm)
            {
                break;
            }
            if (best.Count >= limit)
            {
                var kth = best.Values.Select(v => v.Km).OrderBy(v => v).ElementAt(limit - 1);
                if (kth <= boundKm)
                {
                    break;
                }
            }
        }
        var results = new List<GeocodeResult>();
        foreach (var (doc, (km, hn)) in best.Where(kv => kv.Value.Km <= maxKm)
                     .OrderBy(kv => kv.Value.Km).ThenBy(kv => kv.Key).Take(limit).Select(kv => (kv.Key, kv.Value)))
        {
            var candidate = new Candidate(ix, doc);
            if (hn >= 0)
            {
                candidate.SetHousenumber(hn);
            }
            candidate.MakeLabels();
            candidate.Distance = km * 1000;
            candidate.AddScore(ScoreKind.Geo, GeoMath.KmToScore(km) * 0.1, 0.1);
            results.Add(candidate.ToResult());
        }
        return results;
    }

    private static void Visit(
        GeocoderIndex ix, ReadOnlySpan<int> points, double lat, double lon, bool check, bool only, DocFilter? filter,
        Dictionary<int, (double Km, int Hn)> best)
    {
        var hnCount = ix.Grid.HousenumberCount;
        foreach (var p in points)
        {
            int doc, hn;
            double pLat, pLon;
            if (p < hnCount)
            {
                if (!check)
                {
                    continue;
                }
                hn = p;
                doc = OwnerOf(ix, p);
                pLat = ix.HnLatE7[p] / 1e7;
                pLon = ix.HnLonE7[p] / 1e7;
            }
            else
            {
                if (only)
                {
                    continue;
                }
                hn = -1;
                doc = p - hnCount;
                pLat = ix.LatE7[doc] / 1e7;
                pLon = ix.LonE7[doc] / 1e7;
            }
            if (filter is not null && !filter.Accept(doc))
            {
                continue;
            }
            var km = GeoMath.HaversineKm(pLat, pLon, lat, lon);
            if (!best.TryGetValue(doc, out var current) || km < current.Km
                || (km == current.Km && hn >= 0 && (current.Hn < 0 || hn < current.Hn)))
            {
                best[doc] = (km, hn);
            }
        }
    }

    internal static int OwnerOf(GeocoderIndex ix, int hn)
    {
        // Last document whose housenumber range starts at or before hn (and is not empty).
        int lo = 0, hi = ix.DocumentCount - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (ix.HnStart[mid] <= hn)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
