using System.Globalization;
using Crossroads.ModelRouting.Decisions;
using Crossroads.ModelRouting.Limits;
using Crossroads.ModelRouting.Providers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Errors are the chassis' problem+json (<c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c>, <c>requestId</c>)
/// with one more member, <c>error</c>, holding OpenAI's error object (<c>message</c>, <c>type</c>, <c>param</c>,
/// <c>code</c>): OpenAI SDKs read <c>error.message</c> from any JSON error body, problem-aware clients read the rest,
/// so one body serves both. Only inside an already-started SSE stream does the OpenAI shape appear alone
/// (<c>data: {"error":{...}}</c>), since headers and status are gone by then.
/// </summary>
internal static class ModelRouterProblems
{
    public static ProblemHttpResult Create(int status, string message, string type, string? code, string? param = null) =>
        TypedResults.Problem(
            detail: message,
            statusCode: status,
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["error"] = new OpenAiError(message, type, param, code) });

    public static ProblemHttpResult Invalid(RequestError error) =>
        Create(error.Status, error.Message, "invalid_request_error", error.Code, error.Param);

    public static ProblemHttpResult ModelNotFound(string model) =>
        Create(StatusCodes.Status404NotFound, $"The model '{model}' does not exist or you do not have access to it.", "invalid_request_error", "model_not_found", "model");

    /// <summary>
    /// No candidate was eligible. When each was out only for a passing upstream state (breaker open or half-open,
    /// <c>Retry-After</c> pending, saturated) the request was fine and may be retried: 503 with <c>Retry-After</c>
    /// when the earliest reopening is known. Otherwise the request's constraints excluded them: 400.
    /// </summary>
    /// <remarks>
    /// When no candidate's upstream can serve a member of the request (<c>unsupported:*</c> exclusions), no retry and no
    /// other constraint would help: 400 <c>unsupported_parameter</c> (OpenAI's code for a member a model does not
    /// take) with <c>param</c> the member and a message naming the candidates that cannot serve it. Candidates that
    /// cannot serve it do not count for the 503 either: it is for requests that a capable candidate will take later.
    /// </remarks>
    public static ProblemHttpResult NoEligibleModel(HttpContext context, DecisionRecord decision, TimeSpan? retryAfter)
    {
        var candidates = decision.Plan.Candidates;
        if (candidates.Count > 0 && candidates.All(static c => c.Exclusions.Any(static x => RequestFeatureNames.MemberOfCode(x.Code) is not null)))
        {
            return Unsupported(decision);
        }

        var capable = candidates.Where(static c => !c.Exclusions.Any(static x => RequestFeatureNames.MemberOfCode(x.Code) is not null)).ToList();
        bool coolingOnly = capable.Count > 0 && capable.All(static c => c.Exclusions.Any(static x => x.Code is "cooling_down" or "half_open" or "retry_after" or "saturated"));
        if (coolingOnly && retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return coolingOnly
            ? Create(StatusCodes.Status503ServiceUnavailable, "Every candidate model's upstream is cooling down, asked us to wait, or is saturated; retry later. " + decision.Plan.Reason, "server_error", "models_cooling_down")
            : Create(StatusCodes.Status400BadRequest, "No model meets the request's constraints: " + decision.Plan.Reason + $". See /v1/decisions/{decision.Id}.", "invalid_request_error", "no_eligible_model", "crossroads");
    }

    /// <summary>400 <c>unsupported_parameter</c>: every candidate's upstream lacks a feature the request needs. Names the first such member as <c>param</c>, and each feature with the candidates that cannot serve it.</summary>
    private static ProblemHttpResult Unsupported(DecisionRecord decision)
    {
        var byFeature = decision.Plan.Candidates
            .SelectMany(static c => c.Exclusions.Where(static x => RequestFeatureNames.MemberOfCode(x.Code) is not null).Select(x => (Feature: x.Code[RequestFeatureNames.ExclusionPrefix.Length..], Code: x.Code, c.Model)))
            .GroupBy(static x => (x.Feature, x.Code))
            .ToList();
        string param = RequestFeatureNames.MemberOfCode(byFeature[0].Key.Code)!;
        var parts = byFeature.Select(static g => $"'{g.Key.Feature}' cannot be served by {string.Join(", ", g.Select(static x => "'" + x.Model + "'"))}{RequestFeatureNames.Hint(g.Key.Feature)}");
        return Create(
            StatusCodes.Status400BadRequest,
            $"Unsupported parameter: no candidate model can serve this request: {string.Join("; ", parts)}. Name a model whose upstream supports it (e.g. an OpenAI-compatible one), or drop the member. See /v1/decisions/{decision.Id}.",
            "invalid_request_error",
            "unsupported_parameter",
            param);
    }

    /// <summary>402: <paramref name="account"/> (<c>key:NAME</c> or <c>tenant:ID</c>) cannot cover the reservation. <c>x-should-retry: false</c> tells OpenAI SDKs not to retry.</summary>
    public static ProblemHttpResult BudgetExceeded(HttpContext context, string account, decimal remaining)
    {
        context.Response.Headers["x-should-retry"] = "false";
        string who = account.StartsWith("key:", StringComparison.Ordinal) ? $"API key '{account[4..]}'" : $"tenant '{account.Replace("tenant:", string.Empty, StringComparison.Ordinal)}'";
        return Create(
            StatusCodes.Status402PaymentRequired,
            FormattableString.Invariant($"The budget of {who} cannot cover this request (remaining ${Math.Max(remaining, 0):0.#########} in this period)."),
            "insufficient_quota",
            "budget_exceeded");
    }

    /// <summary>
    /// The server is shutting down: streams already running finish, but a new answer could outlive the shutdown
    /// timeout and be cut mid-stream, so new requests are refused with a retryable 503 (OpenAI SDKs retry it, and
    /// readiness already sends the load balancer elsewhere).
    /// </summary>
    public static ProblemHttpResult ShuttingDown(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return Create(StatusCodes.Status503ServiceUnavailable, "The server is shutting down; retry the request (another replica will take it).", "server_error", "server_shutting_down");
    }

    /// <summary>429 as OpenAI answers it: <c>Retry-After</c> (seconds, and <c>retry-after-ms</c>, which OpenAI SDKs read first) plus the <c>x-ratelimit-*</c> headers.</summary>
    public static ProblemHttpResult RateLimited(HttpContext context, RateAdmission admission, string key, int requestedTokens)
    {
        var headers = context.Response.Headers;
        headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(admission.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        headers["retry-after-ms"] = ((long)Math.Ceiling(admission.RetryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        string message = admission.TooLarge
            ? FormattableString.Invariant($"Request too large for key '{key}': it needs {requestedTokens} tokens (prompt + max_tokens) and the key's limit is {admission.Tokens?.Limit} tokens per minute; lower max_tokens or shorten the prompt.")
            : admission.Requests is { Remaining: 0 } r && admission.Tokens is not { Remaining: 0 }
                ? FormattableString.Invariant($"Rate limit reached for key '{key}' on requests per minute: limit {r.Limit}. Please try again in {RateLimitHeaders.Duration(admission.RetryAfter)}.")
                : FormattableString.Invariant($"Rate limit reached for key '{key}' on tokens per minute: limit {admission.Tokens?.Limit}, remaining {admission.Tokens?.Remaining}. Please try again in {RateLimitHeaders.Duration(admission.RetryAfter)}.");
        return Create(StatusCodes.Status429TooManyRequests, message, "rate_limit_error", "rate_limit_exceeded");
    }

    /// <summary>400 for a tenant whose PII rule is <c>block</c>: names the kinds found, never the values.</summary>
    public static ProblemHttpResult PiiDetected(IReadOnlyList<string> kinds) =>
        Create(
            StatusCodes.Status400BadRequest,
            $"The request contains personal or secret data ({string.Join(", ", kinds)}), which this tenant's policy blocks. Remove it and retry.",
            "invalid_request_error",
            "pii_detected",
            "messages");

    /// <summary>503 when a request with a budget cannot be admitted because the spend store does not answer.</summary>
    public static ProblemHttpResult SpendStoreUnavailable(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return Create(StatusCodes.Status503ServiceUnavailable, "The budget store is unavailable, so a request with a budget cannot be admitted; retry shortly.", "server_error", "budget_store_unavailable");
    }

    public static ProblemHttpResult DecisionNotFound(string id) =>
        Create(StatusCodes.Status404NotFound, $"No decision '{id}' is kept (unknown, or dropped from the bounded store).", "invalid_request_error", "decision_not_found", "id");
}
