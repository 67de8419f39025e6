using Crossroads.Geocoding.Index;
using Crossroads.Geocoding.Search;

namespace Crossroads.Geocoding.Tests;

/// <summary>
/// The intersection that stands in for Redis' ZINTERSTORE + ZREVRANGE: whichever list drives it (the rarest term's
/// postings, the documents around a centre, a commune filter's documents), the kept documents and their order are
/// those of a brute-force scan over every document.
/// </summary>
public sealed class IntersectionTests
{
    [Fact]
    public void Galloping_finds_the_same_position_as_a_linear_scan()
    {
        var random = new Random(11);
        for (var round = 0; round < 2000; round++)
        {
            var docs = Enumerable.Range(0, random.Next(0, 300)).Select(_ => random.Next(0, 1000)).Distinct().Order().ToArray();
            var from = random.Next(0, docs.Length + 1);
            var value = random.Next(-5, 1005);
            var expected = from;
            while (expected < docs.Length && docs[expected] < value)
            {
                expected++;
            }
            Assert.Equal(expected, SearchRunHelpers.GallopTo(docs, from, value));
        }
    }

    [Fact]
    public void Top_k_keeps_the_best_scores_and_breaks_ties_by_file_order()
    {
        var random = new Random(5);
        foreach (var k in new[] { 1, 3, 10, 100, 1000 })
        {
            // Few distinct scores, so most comparisons are ties.
            var offers = Enumerable.Range(0, 500).Select(doc => (Doc: doc, Score: random.Next(0, 8) * 0.25)).ToList();
            var top = new TopK(k);
            foreach (var (doc, score) in offers.OrderBy(_ => random.Next()))
            {
                top.Offer(doc, score);
            }
            var expected = offers.OrderByDescending(o => o.Score).ThenBy(o => o.Doc).Take(k).Select(o => o.Doc).ToList();
            Assert.Equal(expected, top.Result());
        }
    }

    [SampleFact]
    public void A_common_terms_bitmap_gives_membership_and_posting_positions()
    {
        var ix = SampleData.Index;
        var term = ix.TermId("ru");
        var bitmap = ix.Bitmap(term);
        Assert.NotNull(bitmap); // "ru" is in more than 1/Density of the sample: the intersection tests below use it
        var postings = ix.PostingDoc.Slice(ix.PostingStart[term], ix.Frequency(term)).ToArray();
        for (var doc = 0; doc < ix.DocumentCount; doc++)
        {
            var at = Array.BinarySearch(postings, doc);
            Assert.Equal(at >= 0, bitmap.Contains(doc));
            if (at >= 0)
            {
                Assert.Equal(at, bitmap.Position(doc));
            }
        }
        Assert.Null(ix.Bitmap(ix.TermId("sapin"))); // a rare term keeps its sorted postings only
    }

    [SampleFact]
    public void Documents_by_citycode_are_the_documents_listing_it()
    {
        var ix = SampleData.Index;
        var code = Array.IndexOf(ix.Strings, "98825");
        var expected = Enumerable.Range(0, ix.DocumentCount)
            .Where(d => Enumerable.Range(ix.CitycodeStart[d], ix.CitycodeStart[d + 1] - ix.CitycodeStart[d]).Any(i => ix.CitycodeRefs[i] == code))
            .ToArray();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, ix.DocsWithCitycode(code).ToArray());
        Assert.True(ix.DocsWithCitycode(-1).IsEmpty);
    }

    [SampleTheory]
    [InlineData("filter", new[] { "ru", "de" }, "98825", null, null)]
    [InlineData("centre", new[] { "ru", "de", "la" }, null, -22.27, 166.45)]
    [InlineData("filter", new[] { "ru" }, "98825", null, null)]                // one term and a filter
    [InlineData("rarest", new[] { "ru", "de", "la" }, "98818", null, null)]    // Nouméa: more documents than "la"
    [InlineData("centre", new[] { "ru", "de" }, null, -22.27, 166.45)]
    [InlineData("centre", new[] { "ru", "de" }, "98818", -22.27, 166.45)]
    [InlineData("rarest", new[] { "ru", "de" }, null, null, null)]
    public void Intersection_matches_a_scan_of_every_document(string driver, string[] words, string? citycode, double? lat, double? lon)
    {
        var ix = SampleData.Index;
        var terms = words.Select(ix.TermId).ToList();
        Assert.DoesNotContain(-1, terms);
        var filter = DocFilter.Create(ix, null, null, citycode is null ? null : [citycode]);
        int[]? geohash = null;
        var keys = new List<int>(terms);
        if (lat is { } la && lon is { } lo)
        {
            geohash = GeoMath.GeohashExpand(GeoMath.GeohashCell(la, lo))
                .SelectMany(cell => Enumerable.Range(0, ix.CellKey.Length).Where(i => ix.CellKey[i] == cell).Select(i => ix.CellDoc[i]))
                .Distinct().Order().ToArray();
            Assert.NotEmpty(geohash);
            keys.Add(SearchRun.GeohashKey);
        }

        var ordered = terms.OrderBy(ix.Frequency).ToList(); // the summing order (stable here: frequencies differ)
        // Each case exercises the driver it names: the shortest of the three lists.
        var sizes = new Dictionary<string, int> { ["rarest"] = ix.Frequency(ordered[0]) };
        if (filter?.CandidateDocs() is { } filterDocs)
        {
            sizes["filter"] = filterDocs.Length;
        }
        if (geohash is not null)
        {
            sizes["centre"] = geohash.Length;
        }
        Assert.Equal(driver, sizes.MinBy(s => s.Value).Key);

        var actual = SearchRunHelpers.Intersect(ix, keys, geohash, filter, 100);

        var expected = Scan(ix, terms, doc => (geohash is null || geohash.Contains(doc)) && (filter is null || filter.Accept(doc)));
        Assert.NotEmpty(expected);
        Assert.Equal(TopK(expected, 100), actual);
    }

    [SampleFact]
    public void Small_top_k_intersections_of_any_terms_match_a_scan_of_every_document()
    {
        // Limits of 1 to 30 fill the heap early, so most documents are skipped on their boost bound; terms with and
        // without bitmaps, drawn around random documents so that the intersection is not empty.
        var ix = SampleData.Index;
        var random = new Random(23);
        var terms = Enumerable.Range(0, ix.TermCount).Where(t => ix.Frequency(t) >= 2).ToArray();
        Assert.Contains(terms, t => ix.Bitmap(t) is not null);
        var checkedCases = 0;
        for (var round = 0; round < 2000 && checkedCases < 200; round++)
        {
            if (TermsAroundADocument(ix, random, terms, 3) is not ({ } keys, _))
            {
                continue;
            }
            var limit = random.Next(1, 31);
            Assert.Equal(TopK(Scan(ix, keys, static _ => true), limit), SearchRunHelpers.Intersect(ix, keys, null, null, limit));
            checkedCases++;
        }
        Assert.Equal(200, checkedCases);
    }

    [SampleFact]
    public void Intersections_of_terms_without_bitmaps_match_a_scan_of_every_document()
    {
        // Postings lists probed by gallops, where the driver leaps over the documents another list does not have:
        // terms drawn around random documents (so their intersection is not empty), with and without a common term.
        var ix = SampleData.Index;
        var random = new Random(17);
        var lists = Enumerable.Range(0, ix.TermCount).Where(t => ix.Frequency(t) >= 2 && ix.Bitmap(t) is null).ToArray();
        var common = ix.TermId("ru");
        var checkedCases = 0;
        for (var round = 0; round < 300 && checkedCases < 100; round++)
        {
            if (TermsAroundADocument(ix, random, lists, 2) is not ({ } terms, var doc))
            {
                continue;
            }
            if (random.Next(2) == 0 && Postings(ix, common).BinarySearch(doc) >= 0)
            {
                terms.Add(common);
            }
            var limit = random.Next(1, 20);
            Assert.Equal(TopK(Scan(ix, terms, static _ => true), limit), SearchRunHelpers.Intersect(ix, terms, null, null, limit));
            checkedCases++;
        }
        Assert.Equal(100, checkedCases);
    }

    private static ReadOnlySpan<int> Postings(GeocoderIndex ix, int term) =>
        ix.PostingDoc.Slice(ix.PostingStart[term], ix.Frequency(term));

    // A random term of the pool, a random document of it and 1 to maxOthers other pool terms that document has (so the
    // intersection is not empty); null when the document has no other pool term.
    private static (List<int>? Terms, int Doc) TermsAroundADocument(GeocoderIndex ix, Random random, int[] pool, int maxOthers)
    {
        var seed = pool[random.Next(pool.Length)];
        var doc = ix.PostingDoc[ix.PostingStart[seed] + random.Next(ix.Frequency(seed))];
        var others = pool.Where(t => t != seed && Postings(ix, t).BinarySearch(doc) >= 0).ToArray();
        if (others.Length == 0)
        {
            return (null, doc);
        }
        var terms = new List<int> { seed };
        terms.AddRange(others.OrderBy(_ => random.Next()).Take(random.Next(1, maxOthers + 1)));
        return (terms, doc);
    }

    // The reference: every document holding all the terms (and passing accept), with its boosts summed rarest term first
    // (the summing order of the intersection, so the float sums are the same).
    private static List<(int Doc, double Score)> Scan(GeocoderIndex ix, IEnumerable<int> terms, Func<int, bool> accept)
    {
        var ordered = terms.OrderBy(ix.Frequency).ToList();
        var found = new List<(int Doc, double Score)>();
        for (var doc = 0; doc < ix.DocumentCount; doc++)
        {
            double score = 0;
            var all = true;
            for (var k = 0; k < ordered.Count && all; k++)
            {
                var at = Postings(ix, ordered[k]).BinarySearch(doc);
                all = at >= 0;
                if (all)
                {
                    var boost = ix.PostingBoost[ix.PostingStart[ordered[k]] + at];
                    score = k == 0 ? boost : score + boost;
                }
            }
            if (all && accept(doc))
            {
                found.Add((doc, score));
            }
        }
        return found;
    }

    private static IEnumerable<int> TopK(List<(int Doc, double Score)> found, int limit) =>
        found.OrderByDescending(e => e.Score).ThenBy(e => e.Doc).Take(limit).Select(e => e.Doc);
}
