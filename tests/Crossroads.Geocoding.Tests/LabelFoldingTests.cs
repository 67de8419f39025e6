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
}
