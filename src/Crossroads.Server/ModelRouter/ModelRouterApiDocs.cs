using Crossroads.Server.ApiDocs;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// What the model router's handlers read and answer, for the OpenAPI document: they parse the body themselves
/// (<see cref="RequestParser"/>, to answer OpenAI's error texts), so the generator sees neither body nor errors. The
/// examples are served by the built-in demo model, so they work on a server without configuration.
/// </summary>
internal static class ModelRouterApiDocs
{
    private const string Json = "application/json";

    /// <summary>Added to the operations' descriptions: what every answer carries.</summary>
    public const string DecisionHeadersNote =
        "Answers carry x-crossroads-decision-id (the id of the decision record, GET /v1/decisions/{id}), x-crossroads-model "
        + "(the model that served, or the first planned), x-crossroads-attempts and x-crossroads-policy. Errors are problem+json "
        + "with OpenAI's error object ({message, type, param, code}) in the member 'error', which OpenAI SDKs read.";

    /// <summary>Added to the descriptions of the model-calling operations.</summary>
    public const string RateLimitNote =
        "A key with rpm/tpm limits (ModelRouter:Keys) gets OpenAI's x-ratelimit-limit-requests, x-ratelimit-remaining-requests, "
        + "x-ratelimit-reset-requests and the -tokens variants on every answer; a request is admitted for its prompt plus its output cap.";

    private const string ChatExample = """
        {
          "model": "crossroads-demo",
          "messages": [
            { "role": "system", "content": "You answer in one sentence." },
            { "role": "user", "content": "What is the capital of New Caledonia?" }
          ],
          "stream": false,
          "max_completion_tokens": 64,
          "temperature": 0.2,
          "models": ["crossroads-demo"],
          "crossroads": { "quality": "balanced", "max_cost_usd": 0.01, "latency_slo_ms": 5000 }
        }
        """;

    private const string AskExample = """
        {
          "prompt": "Summarise the opening hours of the Koné town hall.",
          "model": "auto",
          "quality": "fast",
          "max_cost_usd": 0.01,
          "latency_slo_ms": 5000,
          "policy": "cheapest_meeting_slo",
          "max_tokens": 64
        }
        """;

    private const string PlanExample = """
        {
          "prompt": "Write a haiku about Pouembout.",
          "model": "auto",
          "quality": "balanced",
          "max_tokens": 64
        }
        """;

    // Ids are 32 hex digits with 96 random bits: this one is never a kept decision, so the example is the 404.
    private const string UnknownDecisionId = "0000197706537d0b24623da1b59e999b";

    private const string ObserveExample = """
        { "request_id": "0000197706537d0b24623da1b59e999b", "quality_score": 0.8 }
        """;

    private const string ChatBody =
        "An OpenAI chat-completions body. Read: model (required: a model id, a model alias, or a route alias such as 'auto'), "
        + "messages (required, at least one: role system|developer|user|assistant|tool, content a string or an array of text parts; "
        + "a user message may also hold image parts {type: image_url, image_url: {url, detail: auto|low|high}} whose url is "
        + "data:image/(png|jpeg|gif|webp);base64,... (at most 5 MiB of base64) or an https/http URL, each counted as 1600 prompt "
        + "tokens; "
        + "an assistant message may carry tool_calls (content null) and thinking_blocks (the answer's, sent back unchanged: "
        + "[{type: thinking, thinking, signature} | {type: redacted_thinking, data}], given to Anthropic models that think, never "
        + "to OpenAI upstreams), a tool message needs tool_call_id), "
        + "tools (function tools), tool_choice (none|auto|required|{type: function, function: {name}}), parallel_tool_calls, "
        + "response_format (text|json_object|json_schema {name, description, schema, strict}; on Anthropic upstreams the JSON ones "
        + "are emulated by a forced tool whose input is returned as the message content, and refused with tools), "
        + "stream (false: one chat.completion JSON object; true: text/event-stream of chat.completion.chunk events ending with data: [DONE]), "
        + "stream_options.include_usage (with stream: a last chunk with the usage), max_completion_tokens or max_tokens (1..100000000; "
        + "the former wins), temperature (0..2), top_p (0..1), stop (a string or an array), seed (an integer), user, n (1 only), "
        + "frequency_penalty and presence_penalty (-2..2), logit_bias (token id to -100..100), logprobs and top_logprobs (0..20, "
        + "above 0 only with logprobs: true; the answer's choices[0].logprobs, and each streamed content chunk's, carry the upstream's), "
        + "reasoning_effort (none|minimal|low|medium|high|xhigh; on Anthropic models configured to think, the answer's message "
        + "carries reasoning_content, the thinking text, and thinking_blocks, the signed blocks, each naming the model that signed it; "
        + "streamed, delta.reasoning_content pieces and one delta.thinking_blocks chunk per block as it ends; a conversation with "
        + "tool calls is served with thinking only when the assistant message of the last tool calls carries its thinking_blocks, "
        + "and then by the model that signed them), "
        + "metadata (at most 16 string pairs, keys up to 64 characters, values up to 512), store (a boolean), "
        + "service_tier (auto|default|flex|scale|priority; the answer's service_tier is the upstream's, default when it reports none), "
        + "prediction ({type: content, content: a string or text parts}), web_search_options (an object; search_context_size "
        + "low|medium|high, user_location an object); these five are sent to OpenAI-compatible upstreams as written, only when given. "
        + "Members an upstream kind cannot serve (Anthropic and the demo model: JSON response formats, non-zero penalties, "
        + "logit_bias, logprobs, reasoning_effort (but on Anthropic models configured to think), store: true, service_tier flex|scale|priority, prediction, web_search_options; "
        + "Anthropic maps service_tier auto and default to its auto and standard_only, and neither sends metadata) exclude its models from the plan (exclusion code unsupported:<feature>); when no candidate "
        + "can serve the request, a 400 unsupported_parameter names the member. Crossroads "
        + "extensions: models (fallback model ids, tried in order before any content is sent; an unknown one is a 404) and the "
        + "object crossroads {quality: fast|balanced|high, max_cost_usd, latency_slo_ms, policy: pinned|cheapest_meeting_slo|ucb|"
        + "thompson|least_busy|lowest_latency|weighted, tenant}. Refused with a 400 naming them: n > 1, "
        + "functions/function_call (deprecated), audio, modalities other than text, content parts other than text and image_url, "
        + "images outside user messages or with another kind of url. Other members are ignored. At most 16 MiB.";

    private const string AskBody =
        "An ATP ask: prompt (required unless messages, OpenAI's array, is given), and at the top level model (default 'auto'), "
        + "quality (fast|balanced|high), max_cost_usd, latency_slo_ms, policy (pinned|cheapest_meeting_slo|ucb|thompson|"
        + "least_busy|lowest_latency|weighted), tenant, max_tokens (1..100000000), temperature (0..2), models (fallback model ids). "
        + "At most 16 MiB.";

    public static ApiDoc ChatCompletions() =>
        CallerHeaders(new ApiDoc())
            .JsonBody(ChatBody, ChatExample)
            .Returns(200, Json, "stream false (or absent): the chat.completion object; model is the model that served, id is chatcmpl-<decision id>.")
            .Returns(200, "text/event-stream", "stream true: chat.completion.chunk events (data: {...}), then data: [DONE]; an upstream failure after the first chunk is a data: {\"error\": {...}} event.")
            .Problem(400, "A malformed body or member (error.param names it: invalid_value, invalid_json), no candidate's upstream can serve a member of the request (unsupported_parameter, error.param names it), no model meets the request's constraints (no_eligible_model), the tenant's PII rule blocks the prompt (pii_detected), or the upstream refused the request as the client's fault (upstream_rejected, its status passed through).")
            .Problem(402, "The key's or the tenant's budget cannot cover the reservation in this period (insufficient_quota / budget_exceeded); x-should-retry: false.")
            .Problem(404, "Unknown model or alias, also for an unknown fallback in models (model_not_found).")
            .Problem(413, "The body is over 16 MiB, or the upstream refused it as too large (upstream_rejected).")
            .Problem(415, "The body is not JSON (Content-Type must name JSON).")
            .Problem(422, "The upstream refused the request as unprocessable (upstream_rejected, passed through without fallback).")
            .Problem(429, "The key's requests or tokens per minute are spent, or the request alone needs more tokens than the key's limit (rate_limit_error); Retry-After, retry-after-ms and x-ratelimit-* headers. Also the server's own per-client rate limit.")
            .Problem(502, "Every planned model failed before any content (upstream_unavailable; see the decision), or the upstream failed after the answer started (a non-streamed answer).")
            .Problem(503, "Every candidate's upstream is cooling down, asked to wait or is saturated (models_cooling_down, Retry-After when known), every attempt was skipped (upstream_unavailable), the spend store does not answer (budget_store_unavailable), or the server is shutting down (server_shutting_down, Retry-After: 1).")
            .Problem(504, "The last planned model timed out (upstream_unavailable).");

    public static ApiDoc Ask() =>
        CallerHeaders(new ApiDoc())
            .JsonBody(AskBody, AskExample)
            .Returns(200, "application/x-ndjson", "One JSON object a line: a plan line ({type: plan, request_id, policy, cluster, reason, chosen, fallbacks, candidates}), chunk lines ({type: chunk, seq, text, model}) and a final line ({type: final, request_id, text, model_used, tokens_in, tokens_out, tokens_cached, tokens_reasoning, cost_usd, finish_reason, attempts, policy, cluster}); an error line ({type: error, ...}) if the upstream fails after the answer started.")
            .Problem(400, "A malformed body or member (error.param names it), an empty prompt, no model meets the request's constraints (no_eligible_model), the tenant's PII rule blocks the prompt (pii_detected), or the upstream refused the request (upstream_rejected).")
            .Problem(402, "The key's or the tenant's budget cannot cover the reservation in this period (budget_exceeded); x-should-retry: false.")
            .Problem(404, "Unknown model, alias or fallback (model_not_found).")
            .Problem(413, "The body is over 16 MiB, or the upstream refused it as too large (upstream_rejected).")
            .Problem(415, "The body is not JSON.")
            .Problem(422, "The upstream refused the request as unprocessable (upstream_rejected).")
            .Problem(429, "The key's requests or tokens per minute are spent (rate_limit_exceeded; Retry-After, retry-after-ms, x-ratelimit-*), or the server's own per-client rate limit.")
            .Problem(502, "Every planned model failed before any content (upstream_unavailable).")
            .Problem(503, "Every candidate's upstream is cooling down (models_cooling_down), every attempt was skipped (upstream_unavailable), the spend store does not answer (budget_store_unavailable), or the server is shutting down (server_shutting_down).")
            .Problem(504, "The last planned model timed out (upstream_unavailable).");

    public static ApiDoc Plan() =>
        CallerHeaders(new ApiDoc())
            .JsonBody("An ask body (with prompt) or a chat-completions body (with model and messages); the same members as POST /v1/ask or POST /v1/chat/completions. No model is called, no budget reserved, no key limit spent; the plan is kept as a decision with outcome 'planned'.", PlanExample)
            .Returns(200, Json, "The plan, the object of /v1/ask's plan line: {type: plan, request_id, policy, cluster, reason, chosen, fallbacks, max_output_tokens, candidates: [{model, upstream, eligible, excluded_by, est_cost_usd, quality, latency_p95_ms, score, rank}]}.")
            .Problem(400, "A malformed body or member (error.param names it), or the tenant's PII rule blocks the prompt (pii_detected).")
            .Problem(404, "Unknown model, alias or fallback (model_not_found).")
            .Problem(413, "The body is over 16 MiB.")
            .Problem(415, "The body is not JSON.")
            .Problem(429, "The server's own per-client rate limit (a plan does not spend the key's rpm/tpm).");

    public static ApiDoc Observe() =>
        new ApiDoc()
            .JsonBody("request_id (or decision_id): the x-crossroads-decision-id of a served request; quality_score (or quality): a number from 0 to 1 that replaces the learner's reward for it.", ObserveExample)
            .Returns(200, Json, "{ok, request_id, model, cluster, quality_score, reward}: the decision's new reward.")
            .Problem(400, "request_id missing, quality_score missing or outside 0..1, or the body is not a JSON object.")
            .Problem(404, "No decision of that id is kept (unknown, or dropped from the bounded store) (decision_not_found).")
            .Problem(409, "The decision served no answer, so there is nothing to score (decision_not_served).")
            .Problem(413, "The body is over 1 MiB.")
            .Problem(415, "The body is not JSON.");

    public static ApiDoc ListModels() =>
        new ApiDoc()
            .Returns(200, Json, "OpenAI's list: {object: list, data: [{id, object: model, created, owned_by}]}: the enabled models, then the route aliases (owned_by: crossroads-router). Without configuration: crossroads-demo and auto.");

    public static ApiDoc GetModel() =>
        new ApiDoc()
            .Path("id", ApiType.String, "A model id or a route alias (case-insensitive for aliases).", "crossroads-demo")
            .Returns(200, Json, "OpenAI's model object: {id, object: model, created, owned_by}.")
            .Problem(404, "No enabled model or alias of that name (model_not_found).");

    public static ApiDoc GetDecision() =>
        new ApiDoc()
            .Path("id", ApiType.String, "The decision id: the x-crossroads-decision-id of an answer (32 hex digits; chatcmpl-<id> is a completion's id).", UnknownDecisionId)
            .Returns(200, Json, "The decision record: tenant, endpoint, requested model, prompt hash, input tokens, policy, cluster, reason, candidates, planned order, attempts, served_by, outcome, reserved and billed USD, reward, observed quality.")
            .Problem(404, "No decision of that id is kept (unknown, or dropped from the bounded store) (decision_not_found).");

    public static ApiDoc GetKey() =>
        CallerHeaders(new ApiDoc())
            .Returns(200, Json, "{data: {key, authenticated, tenant, rate_limit: {rpm, tpm, remaining_requests, remaining_tokens}, budget, tenant_budget}}: the key the request is billed as (ModelRouter:AnonymousKey, authenticated false, for a request without an API key), its tenant, its per-minute limits and what this replica has left of them (null: unlimited; with limits shared by replicas, less what the others took as of the last exchange), and for the key and for the tenant the budget of the current period or null when none: {limit_usd, period: daily|monthly|total, period_start, period_end (UTC; null for total), spent_usd (settled), reserved_usd (held by requests in flight), remaining_usd}.")
            .Problem(503, "A budget applies and the spend store (SQLite/PostgreSQL) does not answer (budget_store_unavailable); Retry-After: 1.");

    private static ApiDoc CallerHeaders(ApiDoc doc) =>
        doc.Header(ModelRouterApi.TenantHeader, ApiType.String, "The tenant billed, for a request without an API key when no anonymous key entry pins one (else the body's tenant, else ModelRouter:DefaultTenant). Ignored for a request with a key: its tenant is the key's.")
            .Header("X-API-Key", ApiType.String, "An API key, or Authorization: Bearer <key> as OpenAI SDKs send it: the key's tenant, rpm/tpm limits and budget apply. Optional unless Auth:RequireKeyForReads; without one, the request is ModelRouter:AnonymousKey's.");
}
