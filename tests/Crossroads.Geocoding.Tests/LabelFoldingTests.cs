using Crossroads.Geocoding.Search;
using Crossroads.Geocoding.Text;

namespace Crossroads.Geocoding.Tests;

/// <summary>
/// Labels are folded from their folded parts (Candidate.MakeLabels): that is only right if folding a space-joined
/// string equals joining the folded parts, for every kind of part (accents, punctuation, parts that fold to nothing).
/// </summary>
public sealed class LabelFoldingTests
{
    private static readonly string[] Parts =
    [
        "Rue de l'Église", "Le Mont-Dore", "98817", "96bis", "ŒUVRE  Saint-Éloi", " -- ", "", "'", "Nouméa ",
        " l'Île-d'Yeu", "Œ", "ß", "Ærø", "12 ter", "Château (lieu-dit)", "x", "..a..", "Ñandú", "«Les Pins»",
    ];

    [Fact]
    public void Folding_a_space_joined_label_equals_joining_its_folded_parts()
    {
        foreach (var left in Parts)
        {
            foreach (var right in Parts)
            {
                Assert.Equal(
                    TextPipeline.Ascii(left + " " + right),
                    Candidate.JoinFolded(TextPipeline.Ascii(left), TextPipeline.Ascii(right)));
            }
        }
    }

    [SampleFact]
    public void Sample_labels_fold_the_same_from_their_parts()
    {
        var ix = SampleData.Index;
        for (var doc = 0; doc < ix.DocumentCount; doc++)
        {
            var candidate = new Candidate(ix, doc);
            if (ix.HasHousenumbers(doc))
            {
                candidate.SetHousenumber(ix.HnStart[doc]);
            }
            candidate.MakeLabels();
            Assert.Equal(candidate.DisplayLabels().Select(TextPipeline.Ascii), candidate.FoldedLabels);
        }
    }

    [Fact]
    public void A_label_kept_as_parts_scores_as_its_joined_string()
    {
        // The n-gram score reads the folded parts in place (FoldedLabel): it must equal the score of the joined string
        // for every arrangement of parts, empty ones and one-character ones included (a bigram spans each join).
        string[] parts = ["", "a", "96b", "rue de l eglise", "le mont dore", "98817", "eglise", "e", "rue", "de de"];
        string[] queries = ["a", "e", "96b rue de l eglise 98817 le mont dore", "rue de l eglise", "96 rue eglise", "zz", "de de de", "ee"];
        var random = new Random(9);
        for (var i = 0; i < 4000; i++)
        {
            var label = FoldedLabel.Of(parts[random.Next(parts.Length)]);
            var extra = random.Next(4);
            for (var j = 0; j < extra; j++)
            {
                label = random.Next(2) == 0
                    ? FoldedLabel.Join(label, FoldedLabel.Of(parts[random.Next(parts.Length)]))
                    : FoldedLabel.Join(FoldedLabel.Of(parts[random.Next(parts.Length)]), label);
            }
            var joined = label.ToString();
            Assert.Equal(joined.Length, label.Length);
            foreach (var query in queries)
            {
                Assert.Equal(StringSimilarity.CompareNgrams(joined, query), label.CompareNgrams(new BigramMultiset(query)));
            }
        }
    }

    [SampleFact]
    public void Sample_label_parts_score_as_the_joined_labels()
    {
        var ix = SampleData.Index;
        var query = new BigramMultiset("12 rue des cocotiers 98860 kone");
        for (var doc = 0; doc < ix.DocumentCount; doc++)
        {
            var candidate = new Candidate(ix, doc);
            if (ix.HasHousenumbers(doc))
            {
                candidate.SetHousenumber(ix.HnStart[doc]);
            }
            candidate.MakeLabels();
            Assert.Equal(candidate.FoldedLabelParts.Count, candidate.FoldedLabels.Count);
            for (var i = 0; i < candidate.FoldedLabels.Count; i++)
            {
                Assert.Equal(
                    StringSimilarity.CompareNgrams(candidate.FoldedLabels[i], query),
                    candidate.FoldedLabelParts[i].CompareNgrams(query));
            }
        }
    }
}
