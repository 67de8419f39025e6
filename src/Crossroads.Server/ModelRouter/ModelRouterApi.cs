using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crossroads.Hosting;
using Crossroads.Hosting.Json;
using Crossroads.ModelRouting.Budgets;
using Crossroads.ModelRouting.Budgets.Spend;
using Crossroads.ModelRouting.Decisions;
using Crossroads.ModelRouting.Execution;
using Crossroads.ModelRouting.Limits;
using Crossroads.ModelRouting.Privacy;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;
using Crossroads.ModelRouting.Tokens;
using Crossroads.Server.ApiDocs;

namespace Crossroads.Server.ModelRouter;

/// <summary>The model router's endpoints, under <c>/v1</c>: OpenAI's chat completions and models, ATP's ask/plan/observe, and decisions.</summary>
internal static class ModelRouterApi
{
    public const string TenantHeader = "X-Crossroads-Tenant";

    private const string JsonContentType = "application/json";

    public static IEndpointRouteBuilder MapModelRouterApi(this IEndpointRouteBuilder group)
    {
        // Bodies with messages may carry inline images: their own limit, over the chassis' Limits:MaxRequestBodySize.
        var messagesLimit = new RequestBodyLimit(RequestParser.MaxMessagesBodyBytes);
        group.MapPost("/chat/completions", ChatCompletionsAsync).WithMetadata(messagesLimit).WithName("CreateChatCompletion").WithSummary("OpenAI-compatible chat completions (streaming and not), routed by model, alias or policy.")
            .WithDescription(ModelRouterApiDocs.DecisionHeadersNote + " " + ModelRouterApiDocs.RateLimitNote).Documented(ModelRouterApiDocs.ChatCompletions());
        group.MapGet("/models", ListModels).WithName("ListModels").WithSummary("Models and route aliases, as OpenAI lists models.")
            .Documented(ModelRouterApiDocs.ListModels());
        group.MapGet("/models/{id}", GetModel).WithName("GetModel").WithSummary("One model or route alias.")
            .Documented(ModelRouterApiDocs.GetModel());
        group.MapPost("/ask", AskAsync).WithMetadata(messagesLimit).WithName("Ask").WithSummary("ATP-compatible ask: NDJSON plan, chunk and final lines.")
            .WithDescription(ModelRouterApiDocs.DecisionHeadersNote + " " + ModelRouterApiDocs.RateLimitNote).Documented(ModelRouterApiDocs.Ask());
        group.MapPost("/plan", PlanAsync).WithMetadata(messagesLimit).WithName("Plan").WithSummary("The routing decision for a request, without calling a model.")
            .WithDescription(ModelRouterApiDocs.DecisionHeadersNote).Documented(ModelRouterApiDocs.Plan());
        group.MapPost("/observe", ObserveAsync).WithName("Observe").WithSummary("Feeds an observed quality score of a served request back to the learner.")
            .WithDescription(ModelRouterApiDocs.DecisionHeadersNote).Documented(ModelRouterApiDocs.Observe());
        group.MapGet("/decisions/{id}", GetDecision).WithName("GetDecision").WithSummary("The decision record of a request.")
            .WithDescription(ModelRouterApiDocs.DecisionHeadersNote).Documented(ModelRouterApiDocs.GetDecision());
        group.MapGet("/key", ModelRouterKeyApi.GetKeyAsync).WithName("GetKey").WithSummary("The calling API key's rate limits, budget and spend in the current period, and its tenant's budget.")
            .Documented(ModelRouterApiDocs.GetKey());
        return group;
    }

    private static Task<IResult> ChatCompletionsAsync(HttpContext context, ModelRouterRuntime runtime, DrainState drain) =>
        AdmitAndRunAsync(context, runtime, drain, "chat.completions", RequestParser.Chat, async (request, call, rate, restore) =>
        {
            long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var buffered = request.Stream ? null : new BufferedSink();
            ICompletionSink sink = (ICompletionSink?)buffered ?? new SseChatSink(context.Response, request.IncludeUsage, created);
            var (result, failure) = await RunAsync(context, runtime, call, rate, Restoring(sink, restore)).ConfigureAwait(false);
            if (result is null)
            {
                return failure!;
            }

            if (result.Status is RouteStatus.Completed && buffered is not null)
            {
                var decision = result.Decision;
                DecisionHeaders.Apply(context.Response, decision.Id, decision.ServedBy, decision.Attempts.Count, decision.Plan.Policy.Name());
                var body = OpenAiWire.ToBytes(
                    (decision, buffered, result, created),
                    static (w, s) => OpenAiWire.Completion(w, "chatcmpl-" + s.decision.Id, s.created, s.decision.ServedBy!, s.buffered.Text.ToString(), s.result.FinishReason ?? "stop", s.result.Usage, s.buffered.ToolCalls, s.buffered.Logprobs.ToJson(), s.buffered.Start?.ServiceTier, s.buffered.Annotations, s.buffered.Reasoning.ToString(), s.buffered.ThinkingBlocks));
                return Results.Bytes(body, JsonContentType);
            }

            return Finish(context, runtime, result, streamed: request.Stream);
        });

    private static Task<IResult> AskAsync(HttpContext context, ModelRouterRuntime runtime, DrainState drain) =>
        AdmitAndRunAsync(context, runtime, drain, "ask", RequestParser.Ask, async (_, call, rate, restore) =>
        {
            var (result, failure) = await RunAsync(context, runtime, call, rate, Restoring(new AskSink(context.Response), restore)).ConfigureAwait(false);
            return result is null ? failure! : Finish(context, runtime, result, streamed: true);
        });

    /// <summary>
    /// What every model-calling endpoint does before its own answer: refuse while draining, read and parse the body,
    /// admit the caller (limits, budgets, PII); then <paramref name="run"/> while the parsed document is still alive.
    /// </summary>
    private static async Task<IResult> AdmitAndRunAsync(
        HttpContext context,
        ModelRouterRuntime runtime,
        DrainState drain,
        string endpoint,
        Func<JsonElement, (ParsedRequest? Request, RequestError? Error)> parse,
        Func<ParsedRequest, RouteCall, RateAdmission, PiiPlaceholders?, Task<IResult>> run)
    {
        if (drain.IsDraining)
        {
            return ModelRouterProblems.ShuttingDown(context);
        }

        var (document, readError) = await RequestParser.ReadAsync(context.Request, context.RequestAborted, RequestParser.MaxMessagesBodyBytes).ConfigureAwait(false);
        if (readError is not null)
        {
            return ModelRouterProblems.Invalid(readError);
        }

        using (document)
        {
            var (request, error) = parse(document!.RootElement);
            if (error is not null)
            {
                return ModelRouterProblems.Invalid(error);
            }

            var (call, rate, refusal, restore) = Admit(context, runtime, request!, endpoint, limit: true);
            if (refusal is not null)
            {
                return refusal;
            }

            return await run(request!, call!, rate, restore).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The sink that puts the client's values back in the answer, when this request's redaction produced placeholders
    /// and its tenant restores them; otherwise <paramref name="sink"/> itself, so other requests pay nothing.
    /// </summary>
    private static ICompletionSink Restoring(ICompletionSink sink, PiiPlaceholders? restore) =>
        restore is null ? sink : new PiiRestoringSink(sink, restore);

    private static async Task<IResult> PlanAsync(HttpContext context, ModelRouterRuntime runtime)
    {
        var (document, readError) = await RequestParser.ReadAsync(context.Request, context.RequestAborted, RequestParser.MaxMessagesBodyBytes).ConfigureAwait(false);
        if (readError is not null)
        {
            return ModelRouterProblems.Invalid(readError);
        }

        using (document)
        {
            var root = document!.RootElement;
            var (request, error) = root.TryGetProperty("prompt", out _) ? RequestParser.Ask(root) : RequestParser.Chat(root);
            if (error is not null)
            {
                return ModelRouterProblems.Invalid(error);
            }

            var (call, _, refusal, _) = Admit(context, runtime, request!, "plan", limit: false);
            if (refusal is not null)
            {
                return refusal;
            }

            RoutingPlan plan;
            try
            {
                plan = runtime.Engine.Planner.Plan(call!.Route);
            }
            catch (UnknownModelException e)
            {
                return ModelRouterProblems.ModelNotFound(e.Model);
            }

            var decision = new DecisionRecord
            {
                Id = call.DecisionId,
                CreatedAt = DateTimeOffset.UtcNow,
                Tenant = call.Tenant,
                RequestedModel = call.Route.Model ?? "auto",
                Endpoint = "plan",
                PromptHash = call.PromptHash,
                InputTokens = plan.InputTokens,
                Plan = plan,
                Outcome = "planned",
                ReservedUsd = plan.ReserveUsd,
            };
            runtime.Engine.Decisions.Add(decision);
            var chosen = plan.Attempts.Count > 0 ? plan.Attempts[0].Id : null;
            DecisionHeaders.Apply(context.Response, decision.Id, chosen, 0, plan.Policy.Name());
            var body = OpenAiWire.ToBytes((decision, chosen), static (w, s) => AskWire.Plan(w, s.decision.Id, s.decision.Plan, s.chosen));
            return Results.Bytes(body, JsonContentType);
        }
    }

    private static async Task<IResult> ObserveAsync(HttpContext context, ModelRouterRuntime runtime)
    {
        var (document, readError) = await RequestParser.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        if (readError is not null)
        {
            return ModelRouterProblems.Invalid(readError);
        }

        using (document)
        {
            var root = document!.RootElement;
            string? id = Text(root, "request_id") ?? Text(root, "decision_id");
            if (string.IsNullOrEmpty(id))
            {
                return ModelRouterProblems.Invalid(new RequestError("'request_id' (the x-crossroads-decision-id of a served request) is required.", "request_id"));
            }

            double? quality = Number(root, "quality_score") ?? Number(root, "quality");
            if (quality is not { } q || q < 0 || q > 1)
            {
                return ModelRouterProblems.Invalid(new RequestError("'quality_score' is required and must be a number between 0 and 1.", "quality_score"));
            }

            if (!runtime.Engine.Decisions.TryGet(id, out var existing))
            {
                return ModelRouterProblems.DecisionNotFound(id);
            }

            var updated = runtime.Engine.Observe(id, q);
            if (updated is null)
            {
                return ModelRouterProblems.Create(StatusCodes.Status409Conflict, $"Decision '{id}' served no answer ({existing.Outcome}); there is nothing to score.", "invalid_request_error", "decision_not_served", "request_id");
            }

            DecisionHeaders.Apply(context.Response, updated.Id, updated.ServedBy, updated.AttemptCount, updated.Policy);
            return new SizedJsonResult<ObserveResponse>(
                new ObserveResponse(true, updated.Id, updated.ServedBy!, updated.Cluster, q, updated.Reward),
                ModelRouterJsonContext.Default.ObserveResponse);
        }
    }

    private static IResult GetDecision(string id, HttpContext context, ModelRouterRuntime runtime)
    {
        if (!runtime.Engine.Decisions.TryGet(id, out var decision))
        {
            return ModelRouterProblems.DecisionNotFound(id);
        }

        DecisionHeaders.Apply(context.Response, decision.Id, decision.ServedBy, decision.AttemptCount, decision.Policy);
        return Results.Bytes(decision.Json, JsonContentType);
    }

    private static IResult ListModels(ModelRouterRuntime runtime)
    {
        var body = OpenAiWire.ToBytes(runtime, static (w, r) =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var model in r.Catalog.Models)
            {
                if (model.Status != ModelRouting.Catalog.ModelStatus.Disabled)
                {
                    OpenAiWire.Model(w, model.Id, r.Created, model.OwnedBy);
                }
            }

            foreach (var alias in r.Engine.Planner.Aliases)
            {
                OpenAiWire.Model(w, alias.Name, r.Created, "crossroads-router");
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        return Results.Bytes(body, JsonContentType);
    }

    private static IResult GetModel(string id, ModelRouterRuntime runtime)
    {
        string? owner = runtime.Catalog.TryFind(id, out var model) && model.Status != ModelRouting.Catalog.ModelStatus.Disabled
            ? model.OwnedBy
            : runtime.Engine.Planner.Aliases.Any(a => string.Equals(a.Name, id, StringComparison.OrdinalIgnoreCase)) ? "crossroads-router" : null;
        if (owner is null)
        {
            return ModelRouterProblems.ModelNotFound(id);
        }

        var name = model?.Id ?? id;
        return Results.Bytes(OpenAiWire.ToBytes((name, runtime.Created, owner), static (w, s) => OpenAiWire.Model(w, s.name, s.Created, s.owner)), JsonContentType);
    }

    /// <summary>The answer when the engine did not write it (or wrote a stream that is now over).</summary>
    private static IResult Finish(HttpContext context, ModelRouterRuntime runtime, RouteResult result, bool streamed)
    {
        var decision = result.Decision;
        if (context.Response.HasStarted || (streamed && result.Status is RouteStatus.Completed or RouteStatus.FailedAfterContent) || result.Status == RouteStatus.Cancelled)
        {
            return Results.Empty;
        }

        var firstPlanned = decision.Plan.Attempts.Count > 0 ? decision.Plan.Attempts[0].Id : null;
        DecisionHeaders.Apply(context.Response, decision.Id, decision.ServedBy ?? firstPlanned, decision.Attempts.Count, decision.Plan.Policy.Name());
        return result.Status switch
        {
            RouteStatus.NoEligibleModel => ModelRouterProblems.NoEligibleModel(context, decision, runtime.RetryAfter(decision.Plan)),
            RouteStatus.BudgetExceeded => ModelRouterProblems.BudgetExceeded(context, result.RefusedBy ?? BudgetAccount.TenantId(decision.Tenant), result.RemainingBudgetUsd),
            RouteStatus.UpstreamRejected => ModelRouterProblems.Create(
                result.LastError?.StatusCode ?? StatusCodes.Status400BadRequest,
                "The upstream refused the request: " + UpstreamMessage(result.LastError),
                "invalid_request_error",
                "upstream_rejected",
                result.LastError?.Param),
            RouteStatus.FailedAfterContent => ModelRouterProblems.Create(
                StatusCodes.Status502BadGateway,
                "The upstream failed after the answer started: " + result.LastError?.Message,
                "server_error",
                "upstream_failed_after_content"),
            _ => ModelRouterProblems.Create(
                result.LastError?.Kind switch
                {
                    ProviderFailureKind.Timeout => StatusCodes.Status504GatewayTimeout,
                    ProviderFailureKind.Unavailable => StatusCodes.Status503ServiceUnavailable, // no upstream would take it now: retry later
                    _ => StatusCodes.Status502BadGateway,
                },
                $"Every planned model failed ({decision.Attempts.Count} attempts); last: {result.LastError?.Message}. See /v1/decisions/{decision.Id}.",
                "server_error",
                "upstream_unavailable"),
        };
    }

    private static string UpstreamMessage(ProviderException? error)
    {
        if (error?.UpstreamBody is { } body)
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object && e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    return m.GetString()!;
                }
            }
            catch (JsonException)
            {
                // Not JSON: fall through to the status line.
            }
        }

        return error?.Message ?? "unknown error";
    }

    /// <summary>
    /// Resolves the caller, applies its tenant's PII rule (redact: the placeholders replace the values in everything
    /// that follows — token counts, cluster, prompt hash, the upstream request; block: 400), builds the call and, for
    /// calls that go upstream, admits it against the key's rpm/tpm (tokens: prompt + output cap). The
    /// <c>x-ratelimit-*</c> headers are set here, so every answer to a limited key carries them. Restore: the
    /// placeholders to put back in the answer (null when none were produced or the tenant does not restore them).
    /// </summary>
    private static (RouteCall? Call, RateAdmission Rate, IResult? Refusal, PiiPlaceholders? Restore) Admit(HttpContext context, ModelRouterRuntime runtime, ParsedRequest request, string endpoint, bool limit)
    {
        var caller = runtime.Callers.Resolve(context, request);
        var messages = request.Messages;
        PiiPlaceholders? restore = null;
        if (caller.Pii != PiiMode.Off)
        {
            var redaction = caller.Redactor.Redact(messages);
            if (redaction.Any && caller.Pii == PiiMode.Block)
            {
                return (null, RateAdmission.Unlimited, ModelRouterProblems.PiiDetected(redaction.KindNames), null);
            }

            messages = redaction.Messages;
            restore = caller.PiiRestore && redaction.Placeholders.Count > 0 ? redaction.Placeholders : null;
        }

        var call = BuildCall(runtime.Engine.Decisions.NewId(), request, messages, caller, endpoint);
        if (!limit)
        {
            return (call, RateAdmission.Unlimited, null, restore);
        }

        int tokens = (int)Math.Min(int.MaxValue, (long)PromptTokensAtMost(runtime, call.Route) + (request.MaxTokens ?? runtime.Settings.DefaultMaxOutputTokens) + ThinkingAtMost(runtime, call.Route));
        var rate = runtime.Limits.TryAdmit(caller.Key, tokens);
        RateLimitHeaders.Apply(context.Response, rate);
        if (rate.Allowed)
        {
            return (call, rate, null, restore);
        }

        runtime.Engine.Metrics.RateLimited(caller.Key, rate.TooLarge ? "too_large" : rate.Requests is { Remaining: 0 } && rate.Tokens is not { Remaining: 0 } ? "rpm" : "tpm");
        return (null, rate, ModelRouterProblems.RateLimited(context, rate, caller.Key, tokens), null);
    }

    /// <summary>
    /// The most prompt tokens any routable model could bill for <paramref name="route"/>: the rate limit admits a
    /// request before the model is chosen, so it takes the largest image count (settled to the usage afterwards).
    /// </summary>
    private static int PromptTokensAtMost(ModelRouterRuntime runtime, RouteRequest route)
    {
        if (route.Images.Count == 0)
        {
            return route.InputTokens;
        }

        int most = route.InputTokens;
        foreach (var model in runtime.Catalog.Models)
        {
            if (model.Status != ModelRouting.Catalog.ModelStatus.Disabled)
            {
                most = Math.Max(most, route.PromptTokens(model));
            }
        }

        return most;
    }

    /// <summary>
    /// The largest thinking budget any routable model would spend on <paramref name="route"/>'s <c>reasoning_effort</c>:
    /// output on top of max_tokens (AnthropicProvider sends max_tokens + budget_tokens), admitted before the model is chosen.
    /// </summary>
    private static int ThinkingAtMost(ModelRouterRuntime runtime, RouteRequest route)
    {
        int most = 0;
        if (route.ReasoningEffort is { } effort)
        {
            foreach (var model in runtime.Catalog.Models)
            {
                if (model.Status != ModelRouting.Catalog.ModelStatus.Disabled)
                {
                    most = Math.Max(most, model.ThinkingBudget(effort));
                }
            }
        }

        return most;
    }

    /// <summary>Runs the engine; settles the key's tokens to the usage billed (nothing when nothing was served).</summary>
    private static async Task<(RouteResult? Result, IResult? Failure)> RunAsync(HttpContext context, ModelRouterRuntime runtime, RouteCall call, RateAdmission rate, ICompletionSink sink)
    {
        RouteResult? result = null;
        try
        {
            result = await runtime.Engine.RunAsync(call, sink, context.RequestAborted).ConfigureAwait(false);
            return (result, null);
        }
        catch (UnknownModelException e)
        {
            return (null, ModelRouterProblems.ModelNotFound(e.Model));
        }
        catch (SpendStoreUnavailableException)
        {
            return (null, ModelRouterProblems.SpendStoreUnavailable(context));
        }
        finally
        {
            KeyRateLimiter.Settle(rate, result is null ? 0 : result.Usage.PromptTokens + result.Usage.CompletionTokens);
        }
    }

    private static RouteCall BuildCall(string decisionId, ParsedRequest request, IReadOnlyList<ChatMessage> messages, Caller caller, string endpoint)
    {
        // Images are counted per candidate model (RouteRequest.PromptTokens): providers bill them by different rules.
        int inputTokens = DemoModelProvider.TextPromptTokens(messages, request.Tools, request.ResponseFormat);
        ImagePart[] images = [.. messages.SelectMany(static m => m.Images)];
        var lastUser = messages.LastOrDefault(static m => m.Role == "user")?.Content ?? messages[^1].Content;
        var provider = new ProviderRequest
        {
            Messages = messages,
            MaxTokens = request.MaxTokens,
            Temperature = request.Temperature,
            TopP = request.TopP,
            Stop = request.Stop,
            Seed = request.Seed,
            User = request.User,
            Tools = request.Tools,
            ToolChoice = request.ToolChoice,
            ParallelToolCalls = request.ParallelToolCalls,
            ResponseFormat = request.ResponseFormat,
            FrequencyPenalty = request.FrequencyPenalty,
            PresencePenalty = request.PresencePenalty,
            LogitBias = request.LogitBias,
            Logprobs = request.Logprobs,
            TopLogprobs = request.TopLogprobs,
            ReasoningEffort = request.ReasoningEffort,
            Metadata = request.Metadata,
            Store = request.Store,
            ServiceTier = request.ServiceTier,
            Prediction = request.Prediction,
            WebSearchOptions = request.WebSearchOptions,
        };
        return new RouteCall
        {
            DecisionId = decisionId,
            Route = new RouteRequest
            {
                Model = request.Model,
                Fallbacks = request.Fallbacks,
                Quality = request.Quality,
                MaxCostUsd = request.MaxCostUsd,
                LatencySloMs = request.LatencySloMs,
                Policy = request.Policy,
                InputTokens = inputTokens,
                Images = images,
                MaxOutputTokens = request.MaxTokens,
                ReasoningEffort = request.ReasoningEffort,
                // The cluster must not depend on the catalog, so images count by one fixed rule (GPT-4o's) here.
                Cluster = PromptClusters.Of(lastUser, (int)Math.Min(int.MaxValue, inputTokens + ImageTokenRule.OpenAi.Tokens(images))),
                Requires = RequiredFeatures.Of(provider),
                ThinkingSigner = RequiredFeatures.LoopThinkingSigner(provider.Messages),
            },
            Provider = provider,
            Tenant = caller.Tenant,
            Key = caller.Key,
            Endpoint = endpoint,
            PromptHash = PromptHash(messages),
        };
    }

    /// <summary>
    /// SHA-256 of every message's role, 0, content, 0 (each image's URL, 0; and each tool call's name, 0, arguments, 0) (UTF-8), first 16 bytes in hex. One pooled buffer and a one-shot
    /// hash: an incremental hash and two encoded copies per message cost a native context and garbage per request.
    /// </summary>
    private static string PromptHash(IReadOnlyList<ChatMessage> messages)
    {
        int max = 0;
        foreach (var m in messages)
        {
            max += Encoding.UTF8.GetMaxByteCount(m.Role.Length) + Encoding.UTF8.GetMaxByteCount(m.Content.Length) + 2;
            foreach (var image in m.Images)
            {
                max += Encoding.UTF8.GetMaxByteCount(image.Url.Length) + 1;
            }

            foreach (var call in m.ToolCalls ?? [])
            {
                max += Encoding.UTF8.GetMaxByteCount(call.Name.Length) + Encoding.UTF8.GetMaxByteCount(call.Arguments.Length) + 2;
            }
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            int length = 0;
            foreach (var m in messages)
            {
                length += Encoding.UTF8.GetBytes(m.Role, buffer.AsSpan(length));
                buffer[length++] = 0;
                length += Encoding.UTF8.GetBytes(m.Content, buffer.AsSpan(length));
                buffer[length++] = 0;
                foreach (var image in m.Images)
                {
                    length += Encoding.UTF8.GetBytes(image.Url, buffer.AsSpan(length));
                    buffer[length++] = 0;
                }

                foreach (var call in m.ToolCalls ?? [])
                {
                    length += Encoding.UTF8.GetBytes(call.Name, buffer.AsSpan(length));
                    buffer[length++] = 0;
                    length += Encoding.UTF8.GetBytes(call.Arguments, buffer.AsSpan(length));
                    buffer[length++] = 0;
                }
            }

            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, length), hash);
            return Convert.ToHexStringLower(hash[..16]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) ? d : null;
}
