using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Decisions;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Tests.Decisions;

/// <summary>Decision records of every shape the router makes (nulls, exclusions, failed attempts, odd characters), drawn from a seed.</summary>
internal static class SampleDecisions
{
    private static readonly string[] Texts =
    [
        "chat:s", "fake-model", "", "quote \" and backslash \\", "<b>&'+</b>", "héllo wörld", "日本語", "tab\tnew\nline", "\u0001\u001f", "emoji 😀",
    ];

    private static readonly string[] Outcomes = ["served", "failed", "failed_after_content", "failed_partial", "rejected", "cancelled", "skipped"];

    public static DecisionRecord Served(string id) => new()
    {
        Id = id,
        CreatedAt = new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero),
        Tenant = "default",
        RequestedModel = "fake-model",
        Endpoint = "chat.completions",
        PromptHash = "00112233445566778899aabbccddeeff",
        InputTokens = 15,
        Plan = new RoutingPlan
        {
            Policy = RoutingPolicy.CheapestMeetingSlo,
            Cluster = "question:s",
            Candidates = [new CandidateEvaluation { Model = "fake-model", Upstream = "fake", InputTokens = 15, EstimatedCostUsd = 0.000079m, Quality = 0.5, LatencyP95Ms = 2000, Rank = 0 }],
            Attempts = [new ModelDescriptor { Id = "fake-model", Upstream = "fake", Quality = 0.5 }],
            Reason = "cheapest eligible",
            MaxOutputTokens = 32,
        },
        Attempts = [new AttemptRecord { Model = "fake-model", Upstream = "fake", Outcome = "served", LatencyMs = 0.4, TimeToFirstTokenMs = 0.3, PromptTokens = 15, CompletionTokens = 20, CostUsd = 0.000055m }],
        ServedBy = "fake-model",
        Outcome = "completed",
        ReservedUsd = 0.000079m,
        BilledUsd = 0.000055m,
        Reward = 0.83,
    };

    public static DecisionRecord Random(Random random, string id)
    {
        string Text() => Texts[random.Next(Texts.Length)];
        double Number() => random.Next(6) switch
        {
            0 => 0,
            1 => random.NextDouble(),
            2 => random.NextDouble() * 1e6,
            3 => double.MaxValue,
            4 => -random.NextDouble(),
            _ => 1e-9 * random.Next(1000),
        };
        decimal Money() => random.Next(4) switch
        {
            0 => 0m,
            1 => 0.000079m,
            2 => (decimal)random.NextDouble(),
            _ => new decimal(random.Next(), 0, 0, false, (byte)random.Next(0, 12)),
        };

        var models = Enumerable.Range(0, random.Next(0, 4)).Select(i => new ModelDescriptor { Id = "m" + i + Text(), Upstream = Text() }).ToArray();
        var candidates = Enumerable.Range(0, random.Next(0, 5)).Select(i => new CandidateEvaluation
        {
            Model = Text(),
            Upstream = Text(),
            Exclusions = [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => new Exclusion(Text(), Text() + " $" + Money()))],
            InputTokens = random.Next(100_000),
            EstimatedCostUsd = Money(),
            Quality = Number(),
            LatencyP95Ms = Number(),
            LatencySource = random.Next(2) == 0 ? "prior" : "observed",
            Score = random.Next(2) == 0 ? null : Number(),
            Rank = random.Next(2) == 0 ? null : i,
        }).ToArray();
        var attempts = Enumerable.Range(0, random.Next(0, 4)).Select(_ => new AttemptRecord
        {
            Model = Text(),
            Upstream = Text(),
            Outcome = Outcomes[random.Next(Outcomes.Length)],
            Error = random.Next(2) == 0 ? null : Text(),
            UpstreamStatus = random.Next(2) == 0 ? null : random.Next(400, 600),
            TimeToFirstTokenMs = random.Next(2) == 0 ? null : Number(),
            LatencyMs = Number(),
            PromptTokens = random.Next(10_000),
            CompletionTokens = random.Next(10_000),
            UsageEstimated = random.Next(2) == 0,
            CostUsd = Money(),
        }).ToArray();
        return new DecisionRecord
        {
            Id = id,
            CreatedAt = DateTimeOffset.UnixEpoch.AddTicks((long)(random.NextDouble() * 6e17)).ToOffset(TimeSpan.FromMinutes(random.Next(-12, 13) * 60)),
            Tenant = Text(),
            RequestedModel = Text(),
            Endpoint = Text(),
            PromptHash = Text(),
            InputTokens = random.Next(100_000),
            Plan = new RoutingPlan
            {
                Policy = (RoutingPolicy)random.Next(7),
                Cluster = Text(),
                Candidates = candidates,
                Attempts = models,
                Reason = Text(),
                MaxOutputTokens = random.Next(4096),
            },
            Attempts = attempts,
            ServedBy = random.Next(2) == 0 ? null : Text(),
            Outcome = Text(),
            ReservedUsd = Money(),
            BilledUsd = Money(),
            Reward = random.Next(2) == 0 ? null : Number(),
            ObservedQuality = random.Next(2) == 0 ? null : random.NextDouble(),
        };
    }
}
