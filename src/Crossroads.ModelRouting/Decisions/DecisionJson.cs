using System.Text.Json;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Decisions;

/// <summary>
/// A decision as <c>GET /v1/decisions/{id}</c> answers it (snake_case members, nulls written), written once when the
/// decision is kept: the store holds these bytes, not the record. The score members (<c>reward</c>,
/// <c>observed_quality</c>) come last, so <c>/v1/observe</c> rewrites only the document's end.
/// </summary>
internal static class DecisionJson
{
    /// <summary>How the score members begin; the last occurrence in a document is its score (a string value cannot hold it: quotes in strings are escaped).</summary>
    public static ReadOnlySpan<byte> ScoreStart => ",\"reward\":"u8;

    /// <summary>Writes <paramref name="d"/>.</summary>
    public static void Write(Utf8JsonWriter w, DecisionRecord d)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, d.Id);
        w.WriteString("created_at"u8, d.CreatedAt);
        w.WriteString("tenant"u8, d.Tenant);
        w.WriteString("endpoint"u8, d.Endpoint);
        w.WriteString("requested_model"u8, d.RequestedModel);
        w.WriteString("prompt_hash"u8, d.PromptHash);
        w.WriteNumber("input_tokens"u8, d.InputTokens);
        w.WriteString("policy"u8, d.Plan.Policy.Name());
        w.WriteString("cluster"u8, d.Plan.Cluster);
        w.WriteString("reason"u8, d.Plan.Reason);
        w.WriteNumber("max_output_tokens"u8, d.Plan.MaxOutputTokens);
        w.WriteStartArray("candidates"u8);
        foreach (var c in d.Plan.Candidates)
        {
            WriteCandidate(w, c);
        }

        w.WriteEndArray();
        w.WriteStartArray("planned"u8);
        foreach (var m in d.Plan.Attempts)
        {
            w.WriteStringValue(m.Id);
        }

        w.WriteEndArray();
        w.WriteStartArray("attempts"u8);
        foreach (var a in d.Attempts)
        {
            WriteAttempt(w, a);
        }

        w.WriteEndArray();
        WriteStringOrNull(w, "served_by"u8, d.ServedBy);
        w.WriteString("outcome"u8, d.Outcome);
        w.WriteNumber("reserved_usd"u8, d.ReservedUsd);
        w.WriteNumber("billed_usd"u8, d.BilledUsd);
        WriteScoreMembers(w, d.Reward, d.ObservedQuality);
        w.WriteEndObject();
    }

    /// <summary>The score as an object of its own, <c>{"reward":…,"observed_quality":…}</c>: with its first byte made a comma, a document's new end.</summary>
    public static void WriteScore(Utf8JsonWriter w, (double Reward, double ObservedQuality) score)
    {
        w.WriteStartObject();
        WriteScoreMembers(w, score.Reward, score.ObservedQuality);
        w.WriteEndObject();
    }

    private static void WriteScoreMembers(Utf8JsonWriter w, double? reward, double? observedQuality)
    {
        WriteNumberOrNull(w, "reward"u8, reward);
        WriteNumberOrNull(w, "observed_quality"u8, observedQuality);
    }

    private static void WriteCandidate(Utf8JsonWriter w, CandidateEvaluation c)
    {
        w.WriteStartObject();
        w.WriteString("model"u8, c.Model);
        w.WriteString("upstream"u8, c.Upstream);
        w.WriteBoolean("eligible"u8, c.Eligible);
        w.WriteStartArray("exclusions"u8);
        foreach (var x in c.Exclusions)
        {
            w.WriteStartObject();
            w.WriteString("code"u8, x.Code);
            w.WriteString("detail"u8, x.Detail);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("input_tokens"u8, c.InputTokens); // per candidate: images count by each model's rule
        w.WriteNumber("estimated_cost_usd"u8, c.EstimatedCostUsd);
        w.WriteNumber("quality"u8, c.Quality);
        w.WriteNumber("latency_p95_ms"u8, c.LatencyP95Ms);
        w.WriteString("latency_source"u8, c.LatencySource);
        WriteNumberOrNull(w, "score"u8, c.Score);
        WriteNumberOrNull(w, "rank"u8, c.Rank);
        w.WriteEndObject();
    }

    private static void WriteAttempt(Utf8JsonWriter w, AttemptRecord a)
    {
        w.WriteStartObject();
        w.WriteString("model"u8, a.Model);
        w.WriteString("upstream"u8, a.Upstream);
        w.WriteString("outcome"u8, a.Outcome);
        WriteStringOrNull(w, "error"u8, a.Error);
        WriteNumberOrNull(w, "upstream_status"u8, a.UpstreamStatus);
        WriteNumberOrNull(w, "time_to_first_token_ms"u8, a.TimeToFirstTokenMs);
        w.WriteNumber("latency_ms"u8, a.LatencyMs);
        w.WriteNumber("prompt_tokens"u8, a.PromptTokens);
        w.WriteNumber("completion_tokens"u8, a.CompletionTokens);
        w.WriteNumber("cached_tokens"u8, a.CachedTokens);
        w.WriteNumber("cache_write_tokens"u8, a.CacheWriteTokens);
        w.WriteNumber("reasoning_tokens"u8, a.ReasoningTokens);
        w.WriteBoolean("usage_estimated"u8, a.UsageEstimated);
        w.WriteNumber("cost_usd"u8, a.CostUsd);
        w.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
