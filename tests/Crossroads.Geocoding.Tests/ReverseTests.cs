using Crossroads.Geocoding.Data;
using Crossroads.Geocoding.Index;
using Crossroads.Geocoding.Search;

namespace Crossroads.Geocoding.Tests;

/// <summary>Reverse geocoding, checked against a brute-force scan of every point of the sample.</summary>
public sealed class ReverseTests
{
    private sealed record Point(string DocId, string Id, double Lat, double Lon, bool IsHousenumber, string Type);

    private static readonly Lazy<List<Point>> AllPoints = new(() =>
    {
        var points = new List<Point>();
        foreach (var doc in AddokNdjsonReader.ReadFile(SampleData.Path!))
        {
            // Housenumbers before the document's own point: on a tie Addok's load_closer keeps the housenumber.
            foreach (var hn in doc.Housenumbers)
            {
                points.Add(new Point(doc.Id, hn.Id, hn.Lat, hn.Lon, true, doc.Type));
            }
            points.Add(new Point(doc.Id, doc.Id, doc.Lat, doc.Lon, false, doc.Type));
        }
        return points;
    });

    private static (Point Best, double Km, double SecondKm) BruteForce(double lat, double lon, Func<Point, bool> keep)
    {
        // Per document, its nearest point; then the nearest document (as Addok's load_closer + geo score).
        var perDoc = new Dictionary<string, (Point P, double Km)>();
        foreach (var p in AllPoints.Value.Where(keep))
        {
            var km = GeoMath.HaversineKm(p.Lat, p.Lon, lat, lon);
            if (!perDoc.TryGetValue(p.DocId, out var current) || km < current.Km)
            {
                perDoc[p.DocId] = (p, km);
            }
        }
        var ordered = perDoc.Values.OrderBy(v => v.Km).Take(2).ToList();
        return (ordered[0].P, ordered[0].Km, ordered.Count > 1 ? ordered[1].Km : double.MaxValue);
    }

    [SampleFact]
    public void Nearest_matches_brute_force_on_random_points()
    {
        var index = SampleData.Index;
        var random = new Random(42);
        var points = AllPoints.Value;
        var checkedCount = 0;
        for (var i = 0; i < 400; i++)
        {
            // Half near an existing point (street scale), half anywhere in the sample's extent (up to tens of km away).
            double lat, lon;
            if (i % 2 == 0)
            {
                var p = points[random.Next(points.Count)];
                lat = p.Lat + ((random.NextDouble() - 0.5) * 0.01);
                lon = p.Lon + ((random.NextDouble() - 0.5) * 0.01);
            }
            else
            {
                lat = -22.7 + (random.NextDouble() * 2.6);
                lon = 163.6 + (random.NextDouble() * 4.0);
            }
            var (best, km, second) = BruteForce(lat, lon, _ => true);
            var results = index.Reverse(lat, lon, new ReverseOptions { MaxDistanceMeters = 50_000 });
            if (km * 1000 > 50_000)
            {
                Assert.Empty(results);
                continue;
            }
            var top = Assert.Single(results);
            Assert.Equal((int)(km * 1000), top.Distance);
            if (second - km > 1e-6)
            {
                Assert.Equal(best.Id, top.Id);
                Assert.Equal(best.IsHousenumber ? "housenumber" : best.Type, top.Type);
            }
            Assert.Equal(GeoMath.KmToScore(km), top.Score, 9);
            checkedCount++;
        }
        Assert.True(checkedCount > 250, $"only {checkedCount} points had an answer");
    }

    [SampleFact]
    public void Several_results_are_the_nearest_documents_in_order()
    {
        var index = SampleData.Index;
        var results = index.Reverse(-22.2758, 166.4580, new ReverseOptions { Limit = 10 });
        Assert.Equal(10, results.Count);
        Assert.Equal(10, results.Select(r => r.Id).Distinct().Count());
        for (var i = 1; i < results.Count; i++)
        {
            Assert.True(results[i - 1].Distance <= results[i].Distance);
            Assert.True(results[i - 1].Score >= results[i].Score);
        }
    }

    [SampleFact]
    public void Type_filters_restrict_the_answer()
    {
        var index = SampleData.Index;
        const double lat = -22.2758, lon = 166.4580;
        var housenumber = Assert.Single(index.Reverse(lat, lon, new ReverseOptions { Types = ["housenumber"] }));
        Assert.Equal("housenumber", housenumber.Type);
        var (best, _, _) = BruteForce(lat, lon, p => p.IsHousenumber);
        Assert.Equal(best.Id, housenumber.Id);

        var street = Assert.Single(index.Reverse(lat, lon, new ReverseOptions { Types = ["street"] }));
        Assert.Equal("street", street.Type);
        var (bestStreet, _, _) = BruteForce(lat, lon, p => !p.IsHousenumber && p.Type == "street");
        Assert.Equal(bestStreet.Id, street.Id);

        var municipality = Assert.Single(index.Reverse(lat, lon, new ReverseOptions { Types = ["municipality"], MaxDistanceMeters = 100_000 }));
        Assert.Equal("98818", municipality.Id);

        var elsewhere = index.Reverse(lat, lon, new ReverseOptions { Citycodes = ["98825"], MaxDistanceMeters = 500_000 });
        Assert.Equal("98825", Assert.Single(elsewhere).Citycode);
    }

    [SampleFact]
    public void Far_away_points_get_nothing_and_bad_coordinates_throw()
    {
        var index = SampleData.Index;
        Assert.Empty(index.Reverse(48.85, 2.35));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Reverse(91, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Reverse(double.NaN, 0));
    }
}
