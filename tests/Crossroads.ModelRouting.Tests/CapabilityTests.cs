using System.Text;
using System.Text.Json;
using Crossroads.ModelRouting.Bandits;
using Crossroads.ModelRouting.Catalog;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Tests;

/// <summary>Request features against upstream capabilities: what a request needs, what the planner excludes, what reaches an OpenAI upstream.</summary>
public sealed class CapabilityTests
{
    private static readonly ChatMessage[] Hi = [new("user", "hi")];

    /// <summary>From cheapest to dearest: <c>claude</c> (Anthropic), <c>gpt-mini</c>, <c>demo</c>, <c>gpt</c> (OpenAI).</summary>
    private static RoutePlanner Planner()
    {
        var settings = new RoutingSettings { MaxAttempts = 5 };
        ModelDescriptor[] models =
        [
            new() { Id = "claude", Upstream = "anthropic", InputPricePerMTok = 0.1m, OutputPricePerMTok = 0.1m, Quality = 0.9, Capabilities = AnthropicProvider.Serves },
            new() { Id = "gpt-mini", Upstream = "openai", InputPricePerMTok = 0.2m, OutputPricePerMTok = 0.2m, Quality = 0.9, Capabilities = OpenAiCompatibleProvider.Serves },
            new() { Id = "demo", Upstream = "demo", InputPricePerMTok = 0.3m, OutputPricePerMTok = 0.3m, Quality = 0.9, Capabilities = DemoModelProvider.Serves },
            new() { Id = "gpt", Upstream = "openai", InputPricePerMTok = 1m, OutputPricePerMTok = 1m, Quality = 0.9, Capabilities = OpenAiCompatibleProvider.Serves },
        ];
        return new RoutePlanner(new ModelCatalog(models), [], settings, new BanditLearner(1), new LatencyTracker(), new UpstreamHealth(settings, TimeProvider.System));
    }

    private static RouteRequest Needing(ProviderRequest request, string? model = null, IReadOnlyList<string>? fallbacks = null) =>
        new() { Model = model, Fallbacks = fallbacks ?? [], InputTokens = 10, Requires = RequiredFeatures.Of(request) };

    [Fact]
    public void A_request_with_only_basic_members_keeps_every_candidate_in_cost_order()
    {
        var plan = Planner().Plan(Needing(new ProviderRequest { Messages = Hi, Temperature = 0.5, Seed = 7, Stop = ["x"] }));
        Assert.Equal(["claude", "gpt-mini", "demo", "gpt"], plan.Attempts.Select(static m => m.Id));
    }

    [Fact]
    public void Logprobs_exclude_the_anthropic_and_demo_candidates_with_a_reason_and_keep_the_order_of_the_rest()
    {
        var plan = Planner().Plan(Needing(new ProviderRequest { Messages = Hi, Logprobs = true, TopLogprobs = 2 }));

        Assert.Equal(["gpt-mini", "gpt"], plan.Attempts.Select(static m => m.Id));
        var claude = Assert.Single(plan.Candidates.Single(static c => c.Model == "claude").Exclusions);
        Assert.Equal("unsupported:logprobs", claude.Code);
        Assert.Equal("upstream 'anthropic' cannot serve 'logprobs'", claude.Detail);
        Assert.Equal("unsupported:logprobs", Assert.Single(plan.Candidates.Single(static c => c.Model == "demo").Exclusions).Code);
        Assert.Null(plan.Candidates.Single(static c => c.Model == "claude").Rank);
        Assert.Equal(0, plan.Candidates.Single(static c => c.Model == "gpt-mini").Rank);
    }

    [Fact]
    public void Each_missing_feature_is_its_own_exclusion()
    {
        var request = new ProviderRequest
        {
            Messages = Hi,
            Logprobs = true,
            FrequencyPenalty = 0.5,
            LogitBias = """{"50256":-100}""",
        };
        var plan = Planner().Plan(Needing(request));

        Assert.Equal(
            ["unsupported:frequency_penalty", "unsupported:logit_bias", "unsupported:logprobs"],
            plan.Candidates.Single(static c => c.Model == "claude").Exclusions.Select(static x => x.Code));
        Assert.Equal(["gpt-mini", "gpt"], plan.Attempts.Select(static m => m.Id));
    }

    [Fact]
    public void A_pinned_model_that_cannot_serve_the_request_is_excluded_and_so_are_incapable_fallbacks()
    {
        var request = new ProviderRequest { Messages = Hi, Logprobs = true };

        var pinned = Planner().Plan(Needing(request, "claude"));
        Assert.Empty(pinned.Attempts);
        Assert.Equal("unsupported:logprobs", Assert.Single(pinned.Candidates[0].Exclusions).Code);

        var withFallbacks = Planner().Plan(Needing(request, "claude", ["demo", "gpt"]));
        Assert.Equal(["gpt"], withFallbacks.Attempts.Select(static m => m.Id));
        Assert.Equal("unsupported:logprobs", Assert.Single(withFallbacks.Candidates.Single(static c => c.Model == "demo").Exclusions).Code);
    }

    [Fact]
    public void Anthropic_serves_a_json_format_alone_but_not_with_tools_and_the_demo_model_serves_neither()
    {
        var json = new ResponseFormat("json_object", """{"type":"json_object"}""");
        var alone = Planner().Plan(Needing(new ProviderRequest { Messages = Hi, ResponseFormat = json }));
        Assert.Empty(alone.Candidates.Single(static c => c.Model == "claude").Exclusions); // a forced tool emulates it
        Assert.Equal("unsupported:response_format.json_object", Assert.Single(alone.Candidates.Single(static c => c.Model == "demo").Exclusions).Code);

        var tool = new ToolDefinition("lookup", null, """{"type":"object"}""", """{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}""");
        var withTools = Planner().Plan(Needing(new ProviderRequest { Messages = Hi, ResponseFormat = json, Tools = [tool] }));
        Assert.Equal("unsupported:response_format.with_tools", Assert.Single(withTools.Candidates.Single(static c => c.Model == "claude").Exclusions).Code);
        Assert.Equal(["gpt-mini", "gpt"], withTools.Attempts.Select(static m => m.Id));
    }

    [Fact]
    public void Members_that_ask_for_nothing_need_nothing()
    {
        var request = new ProviderRequest
        {
            Messages = Hi,
            Logprobs = false,
            FrequencyPenalty = 0,
            PresencePenalty = 0,
            ResponseFormat = new ResponseFormat("text", """{"type":"text"}"""),
            Stop = [],
            Tools = [],
        };
        Assert.Equal(RequestFeatures.None, RequiredFeatures.Of(request));
        Assert.Equal(
            RequestFeatures.Logprobs | RequestFeatures.PresencePenalty | RequestFeatures.Seed,
            RequiredFeatures.Of(request with { Logprobs = true, PresencePenalty = -0.1, Seed = 0 }));
    }

    [Fact]
    public void Every_feature_has_a_name_and_member_and_codes_map_back_to_members()
    {
        foreach (var feature in RequestFeatureNames.Each(RequestFeatures.All))
        {
            Assert.Equal(RequestFeatureNames.Member(feature), RequestFeatureNames.MemberOfCode(RequestFeatureNames.ExclusionCode(feature)));
        }

        // Every declared flag is in All and has its row in the names table.
        var declared = Enum.GetValues<RequestFeatures>().Where(static f => f is not (RequestFeatures.None or RequestFeatures.All)).ToList();
        Assert.Equal(declared, RequestFeatureNames.Each(RequestFeatures.All));
        Assert.Equal("response_format", RequestFeatureNames.MemberOfCode("unsupported:response_format.json_schema"));
        Assert.Null(RequestFeatureNames.MemberOfCode("max_cost"));
        Assert.Null(RequestFeatureNames.MemberOfCode("unsupported:nothing"));
    }

    [Fact]
    public void The_openai_body_carries_the_sampling_members_as_the_client_wrote_them()
    {
        var request = new ProviderRequest
        {
            Messages = Hi,
            FrequencyPenalty = -1.25,
            PresencePenalty = 0.5,
            LogitBias = """{"50256": -100, "15": 2.5}""",
            Logprobs = true,
            TopLogprobs = 3,
            Seed = 42,
            User = "u-1",
        };
        var body = Encoding.UTF8.GetString(OpenAiCompatibleProvider.RequestBody("m", request));

        Assert.Contains("\"frequency_penalty\":-1.25", body, StringComparison.Ordinal);
        Assert.Contains("\"presence_penalty\":0.5", body, StringComparison.Ordinal);
        Assert.Contains("\"logit_bias\":{\"50256\": -100, \"15\": 2.5}", body, StringComparison.Ordinal);
        Assert.Contains("\"logprobs\":true", body, StringComparison.Ordinal);
        Assert.Contains("\"top_logprobs\":3", body, StringComparison.Ordinal);
        Assert.Contains("\"seed\":42", body, StringComparison.Ordinal);
        Assert.Contains("\"user\":\"u-1\"", body, StringComparison.Ordinal);
        using var parsed = JsonDocument.Parse(body);
        Assert.False(JsonDocument.Parse(OpenAiCompatibleProvider.RequestBody("m", new ProviderRequest { Messages = Hi })).RootElement.TryGetProperty("logprobs", out _));
    }

    [Fact]
    public void Reasoning_effort_is_needed_whatever_its_value_and_excludes_the_anthropic_and_demo_candidates()
    {
        Assert.Equal(RequestFeatures.None, RequiredFeatures.Of(new ProviderRequest { Messages = Hi }));
        foreach (var effort in (string[])["none", "minimal", "low", "medium", "high", "xhigh"])
        {
            Assert.Equal(RequestFeatures.ReasoningEffort, RequiredFeatures.Of(new ProviderRequest { Messages = Hi, ReasoningEffort = effort }));
        }

        var plan = Planner().Plan(Needing(new ProviderRequest { Messages = Hi, ReasoningEffort = "high" }));

        Assert.Equal(["gpt-mini", "gpt"], plan.Attempts.Select(static m => m.Id));
        var claude = Assert.Single(plan.Candidates.Single(static c => c.Model == "claude").Exclusions);
        Assert.Equal("unsupported:reasoning_effort", claude.Code);
        Assert.Equal("upstream 'anthropic' cannot serve 'reasoning_effort'", claude.Detail);
        Assert.Equal("unsupported:reasoning_effort", Assert.Single(plan.Candidates.Single(static c => c.Model == "demo").Exclusions).Code);
        Assert.Equal("reasoning_effort", RequestFeatureNames.MemberOfCode("unsupported:reasoning_effort"));
        Assert.True(RequestFeatureNames.TryParse("reasoning_effort", out var parsed));
        Assert.Equal(RequestFeatures.ReasoningEffort, parsed);
    }

    [Fact]
    public void The_openai_body_carries_reasoning_effort_as_given_and_none_without_it()
    {
        var root = JsonDocument.Parse(OpenAiCompatibleProvider.RequestBody("m", new ProviderRequest { Messages = Hi, ReasoningEffort = "xhigh" })).RootElement;
        Assert.Equal("xhigh", root.GetProperty("reasoning_effort").GetString());
        Assert.False(JsonDocument.Parse(OpenAiCompatibleProvider.RequestBody("m", new ProviderRequest { Messages = Hi })).RootElement.TryGetProperty("reasoning_effort", out _));
    }

    [Fact]
    public void The_pass_through_members_need_a_feature_only_where_they_ask_for_what_not_every_upstream_does()
    {
        var hi = new ProviderRequest { Messages = Hi };
        Assert.Equal(RequestFeatures.None, RequiredFeatures.Of(hi with { Metadata = """{"k":"v"}""" }));
        Assert.Equal(RequestFeatures.None, RequiredFeatures.Of(hi with { Store = false }));
        Assert.Equal(RequestFeatures.Store, RequiredFeatures.Of(hi with { Store = true }));
        Assert.Equal(RequestFeatures.None, RequiredFeatures.Of(hi with { ServiceTier = "auto" }));
        Assert.Equal(RequestFeatures.None, RequiredFeatures.Of(hi with { ServiceTier = "default" }));
        foreach (var tier in (string[])["flex", "scale", "priority"])
        {
            Assert.Equal(RequestFeatures.ServiceTier, RequiredFeatures.Of(hi with { ServiceTier = tier }));
        }

        Assert.Equal(RequestFeatures.Prediction, RequiredFeatures.Of(hi with { Prediction = """{"type":"content","content":"x"}""" }));
        Assert.Equal(RequestFeatures.WebSearchOptions, RequiredFeatures.Of(hi with { WebSearchOptions = "{}" }));

        var plan = Planner().Plan(Needing(hi with { Prediction = """{"type":"content","content":"x"}""", WebSearchOptions = "{}" }));
        Assert.Equal(["gpt-mini", "gpt"], plan.Attempts.Select(static m => m.Id));
        Assert.Equal(
            ["unsupported:prediction", "unsupported:web_search_options"],
            plan.Candidates.Single(static c => c.Model == "claude").Exclusions.Select(static x => x.Code));
        foreach (var name in (string[])["store", "service_tier", "prediction", "web_search_options"])
        {
            Assert.True(RequestFeatureNames.TryParse(name, out var feature), name);
            Assert.Equal(name, RequestFeatureNames.MemberOfCode(RequestFeatureNames.ExclusionCode(feature)));
        }
    }

    [Fact]
    public void The_openai_body_carries_the_pass_through_members_as_written_and_none_without_them()
    {
        const string Metadata = """{ "run" :"7" }""";
        const string Prediction = """{"type":"content","content":[{"type":"text","text":"a"}]}""";
        const string Search = """{"search_context_size":"low"}""";
        var request = new ProviderRequest { Messages = Hi, Metadata = Metadata, Store = false, ServiceTier = "flex", Prediction = Prediction, WebSearchOptions = Search };

        var root = JsonDocument.Parse(OpenAiCompatibleProvider.RequestBody("m", request)).RootElement;
        var bare = JsonDocument.Parse(OpenAiCompatibleProvider.RequestBody("m", new ProviderRequest { Messages = Hi })).RootElement;

        Assert.Equal(Metadata, root.GetProperty("metadata").GetRawText());
        Assert.False(root.GetProperty("store").GetBoolean());
        Assert.Equal("flex", root.GetProperty("service_tier").GetString());
        Assert.Equal(Prediction, root.GetProperty("prediction").GetRawText());
        Assert.Equal(Search, root.GetProperty("web_search_options").GetRawText());
        foreach (var member in (string[])["metadata", "store", "service_tier", "prediction", "web_search_options"])
        {
            Assert.False(bare.TryGetProperty(member, out _), member);
        }
    }

    [Fact]
    public void The_anthropic_body_maps_auto_and_default_tiers_and_leaves_the_client_s_metadata_out()
    {
        using var http = new HttpClient();
        var provider = new AnthropicProvider("anthropic", http, new Uri("https://api.example.test"), null, 256);
        var request = new ProviderRequest { Messages = Hi, Metadata = """{"run":"7"}""", Store = false, User = "u-1" };

        var auto = JsonDocument.Parse(provider.RequestBody("c", request with { ServiceTier = "auto" })).RootElement;
        var standard = JsonDocument.Parse(provider.RequestBody("c", request with { ServiceTier = "default" })).RootElement;
        var none = JsonDocument.Parse(provider.RequestBody("c", request)).RootElement;

        Assert.Equal("auto", auto.GetProperty("service_tier").GetString());
        Assert.Equal("standard_only", standard.GetProperty("service_tier").GetString());
        Assert.False(none.TryGetProperty("service_tier", out _));
        Assert.Equal("""{"user_id":"u-1"}""", none.GetProperty("metadata").GetRawText());
        Assert.False(none.TryGetProperty("store", out _));
    }

    [Fact]
    public void The_openai_body_sends_the_token_cap_in_the_configured_member_only()
    {
        var request = new ProviderRequest { Messages = Hi, MaxTokens = 64 };

        var plain = JsonDocument.Parse(OpenAiCompatibleProvider.RequestBody("m", request)).RootElement;
        var explicitly = JsonDocument.Parse(OpenAiCompatibleProvider.RequestBody("m", request, MaxTokensParameter.MaxTokens)).RootElement;
        var completion = JsonDocument.Parse(OpenAiCompatibleProvider.RequestBody("m", request, MaxTokensParameter.MaxCompletionTokens)).RootElement;
        var uncapped = JsonDocument.Parse(OpenAiCompatibleProvider.RequestBody("m", request with { MaxTokens = null }, MaxTokensParameter.MaxCompletionTokens)).RootElement;

        foreach (var root in (JsonElement[])[plain, explicitly])
        {
            Assert.Equal(64, root.GetProperty("max_tokens").GetInt32());
            Assert.False(root.TryGetProperty("max_completion_tokens", out _));
        }

        Assert.Equal(64, completion.GetProperty("max_completion_tokens").GetInt32());
        Assert.False(completion.TryGetProperty("max_tokens", out _));
        Assert.False(uncapped.TryGetProperty("max_tokens", out _));
        Assert.False(uncapped.TryGetProperty("max_completion_tokens", out _));
    }

    [Fact]
    public void Max_tokens_parameter_names_parse_and_round_trip()
    {
        foreach (var name in MaxTokensParameters.Names)
        {
            Assert.True(MaxTokensParameters.TryParse(name, out var parsed));
            Assert.Equal(name, MaxTokensParameters.Name(parsed));
        }

        Assert.True(MaxTokensParameters.TryParse("MAX_COMPLETION_TOKENS", out var upper));
        Assert.Equal(MaxTokensParameter.MaxCompletionTokens, upper);
        foreach (var bad in (string?[])[null, string.Empty, "max_output_tokens", "0", "1", "MaxTokens"])
        {
            Assert.False(MaxTokensParameters.TryParse(bad, out _), bad);
        }
    }

    [Fact]
    public void A_chunks_logprobs_object_rides_on_its_text_byte_for_byte()
    {
        const string logprobs = """{"content":[{"token":" hi","logprob":-0.0123,"bytes":[32,104,105],"top_logprobs":[{"token":" hi","logprob":-0.0123,"bytes":[32,104,105]}]}],"refusal":null}""";
        var data = """{"id":"x","choices":[{"index":0,"delta":{"content":" hi"},"logprobs":""" + logprobs + ""","finish_reason":null}]}""";

        var events = new List<CompletionEvent>();
        OpenAiChunk.Parse("up", null, Encoding.UTF8.GetBytes(data), events);

        var e = Assert.Single(events);
        Assert.Equal(" hi", e.Text);
        Assert.Equal(logprobs, e.Logprobs);

        events.Clear();
        OpenAiChunk.Parse("up", null, """{"choices":[{"index":0,"delta":{"content":"a"},"logprobs":null}]}"""u8, events);
        Assert.Equal([CompletionEvent.Delta("a")], events);
    }

    [Fact]
    public void The_demo_model_ends_its_answer_before_the_first_stop_sequence()
    {
        Assert.Equal("Here is", DemoModelProvider.CutAtStop("Here is a deterministic answer", [" a ", "deter"]));
        Assert.Equal("Here is a deterministic answer", DemoModelProvider.CutAtStop("Here is a deterministic answer", ["zzz", string.Empty]));
        Assert.Equal("Here is a deterministic answer", DemoModelProvider.CutAtStop("Here is a deterministic answer", null));
    }
}
