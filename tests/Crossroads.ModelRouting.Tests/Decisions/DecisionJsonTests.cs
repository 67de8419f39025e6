using System.Text;
using System.Text.Json;
using Crossroads.ModelRouting.Decisions;
using Crossroads.ModelRouting.Providers;
using Xunit.Abstractions;

namespace Crossroads.ModelRouting.Tests.Decisions;

/// <summary>The kept bytes are, byte for byte, what <c>GET /v1/decisions/{id}</c> answered when it serialized records.</summary>
public sealed class DecisionJsonTests(ITestOutputHelper output)
{
    private static readonly JsonBytes Json = new(default);

    private static string Written(DecisionRecord d) => Encoding.UTF8.GetString(Json.ToBytes(d, DecisionJson.Write));

    [Fact]
    public void A_served_decision_is_written_as_the_serializer_wrote_it()
    {
        var d = SampleDecisions.Served("x");
        Assert.Equal(Encoding.UTF8.GetString(ReferenceDecisionJson.Serialize(d)), Written(d));
    }

    [Fact]
    public void Random_decisions_are_written_as_the_serializer_wrote_them()
    {
        const int Seed = 8_2026;
        output.WriteLine($"seed {Seed}");
        var random = new Random(Seed);
        for (int i = 0; i < 2_000; i++)
        {
            var d = SampleDecisions.Random(random, "id" + i);
            Assert.Equal(Encoding.UTF8.GetString(ReferenceDecisionJson.Serialize(d)), Written(d));
        }
    }

    [Fact]
    public void The_score_is_the_document_s_last_members_and_a_score_object_with_a_comma_ends_it_alike()
    {
        var d = SampleDecisions.Served("x") with { Reward = 0.25, ObservedQuality = 0.9 };
        byte[] json = Json.ToBytes(d, DecisionJson.Write);
        int at = json.AsSpan().LastIndexOf(DecisionJson.ScoreStart);
        byte[] end = Json.ToBytes((0.25, 0.9), DecisionJson.WriteScore);
        end[0] = (byte)',';
        Assert.Equal(Encoding.UTF8.GetString(end), Encoding.UTF8.GetString(json.AsSpan(at)));
        Assert.Equal(0.9, JsonDocument.Parse(json).RootElement.GetProperty("observed_quality").GetDouble());
    }
}
