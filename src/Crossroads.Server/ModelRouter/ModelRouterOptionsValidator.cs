using Crossroads.ModelRouting.Budgets;
using Crossroads.ModelRouting.Privacy;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;
using Microsoft.Extensions.Options;

namespace Crossroads.Server.ModelRouter;

/// <summary>Checks what data annotations cannot: references between upstreams, models and aliases, and the names of kinds, statuses and policies.</summary>
internal sealed class ModelRouterOptionsValidator : IValidateOptions<ModelRouterOptions>
{
    private const string Section = "ModelRouter";

    public ValidateOptionsResult Validate(string? name, ModelRouterOptions options)
    {
        var failures = new List<string>();
        var upstreams = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Upstreams.Count; i++)
        {
            var u = options.Upstreams[i];
            string key = $"{Section}:Upstreams:{i}";
            if (!upstreams.Add(u.Id))
            {
                failures.Add($"{key}:Id: upstream '{u.Id}' is defined twice");
            }

            if (u.Kind is not ("openai" or "anthropic" or "demo"))
            {
                failures.Add($"{key}:Kind: must be 'openai', 'anthropic' or 'demo', got '{u.Kind}'");
            }

            bool remote = u.Kind is "openai" or "anthropic";
            if (remote && !Uri.TryCreate(u.BaseUrl, UriKind.Absolute, out var uri))
            {
                failures.Add($"{key}:BaseUrl: must be an absolute http(s) URL, got '{u.BaseUrl}'");
            }
            else if (remote && Uri.TryCreate(u.BaseUrl, UriKind.Absolute, out var url) && url.Scheme is not ("http" or "https"))
            {
                failures.Add($"{key}:BaseUrl: must be http or https, got '{u.BaseUrl}'");
            }

            // Only OpenAI-compatible servers differ in the name; a different name on another kind would be a setting that does nothing.
            if (!MaxTokensParameters.TryParse(u.MaxTokensParameter, out var cap))
            {
                failures.Add($"{key}:MaxTokensParameter: must be {string.Join(" or ", MaxTokensParameters.Names)}, got '{u.MaxTokensParameter}'");
            }
            else if (cap != MaxTokensParameter.MaxTokens && u.Kind != "openai")
            {
                failures.Add($"{key}:MaxTokensParameter: only kind 'openai' takes another name than max_tokens, got '{u.MaxTokensParameter}' for kind '{u.Kind}'");
            }

            if (u.FirstTokenTimeoutMs > u.TimeoutMs)
            {
                failures.Add($"{key}:FirstTokenTimeoutMs: must not exceed TimeoutMs ({u.TimeoutMs}), got '{u.FirstTokenTimeoutMs}'");
            }
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < options.Models.Count; i++)
        {
            var m = options.Models[i];
            string key = $"{Section}:Models:{i}";
            string? kind = options.Upstreams.Find(u => u.Id == m.Upstream)?.Kind;
            if (!upstreams.Contains(m.Upstream))
            {
                failures.Add($"{key}:Upstream: no upstream '{m.Upstream}' is configured (ModelRouter:Upstreams:N:Id)");
            }

            foreach (var n in m.Aliases.Prepend(m.Id))
            {
                if (!names.Add(n))
                {
                    failures.Add($"{key}: the name '{n}' is used by another model or alias");
                }
            }

            foreach (var (member, value) in new[] { ("ImageBaseTokens", m.ImageBaseTokens), ("ImageTileTokens", m.ImageTileTokens) })
            {
                if (value is < 0 or > 1_000_000)
                {
                    failures.Add(FormattableString.Invariant($"{key}:{member}: must be between 0 and 1000000 tokens, got {value}"));
                }
            }

            if ((m.ImageBaseTokens is not null || m.ImageTileTokens is not null) && kind is not null and not "openai")
            {
                failures.Add($"{key}:ImageBaseTokens/ImageTileTokens: only 'openai' models take tile numbers; '{kind}' models bill images by their own rule");
            }

            ValidateImageRule(m, key, kind, failures);

            if (m.Status is not ("active" or "shadow" or "disabled"))
            {
                failures.Add($"{key}:Status: must be active, shadow or disabled, got '{m.Status}'");
            }

            for (int j = 0; j < m.Unsupported.Count; j++)
            {
                if (!RequestFeatureNames.TryParse(m.Unsupported[j], out _))
                {
                    failures.Add($"{key}:Unsupported:{j}: must be one of {string.Join(", ", RequestFeatureNames.All)}, got '{m.Unsupported[j]}'");
                }
            }

            AnthropicModelFailures(m, key, kind, failures);
        }

        for (int i = 0; i < options.Aliases.Count; i++)
        {
            var a = options.Aliases[i];
            string key = $"{Section}:Aliases:{i}";
            if (names.Contains(a.Name))
            {
                failures.Add($"{key}:Name: '{a.Name}' is already a model name");
            }

            if (a.Policy is not null && !RoutingPolicyNames.TryParse(a.Policy, out _))
            {
                failures.Add($"{key}:Policy: must be one of {string.Join(", ", RoutingPolicyNames.All)}, got '{a.Policy}'");
            }

            foreach (var c in a.Candidates.Concat(a.Fallbacks).Concat(a.Weights.Keys))
            {
                if (!names.Contains(c))
                {
                    failures.Add($"{key}: no model '{c}' is configured");
                }
            }

            foreach (var (model, weight) in a.Weights)
            {
                if (!(weight >= 0 && weight <= 1e6))
                {
                    failures.Add(FormattableString.Invariant($"{key}:Weights:{model}: must be between 0 and 1000000, got '{weight}'"));
                }
            }
        }

        // A lease is extended when less than half its grace is left, which only the next flush can do.
        if (options.BudgetLeases.Enabled && options.BudgetLeases.GraceSeconds * 1000L < 2L * options.BudgetLeases.FlushMs)
        {
            failures.Add($"{Section}:BudgetLeases:GraceSeconds: must be at least twice FlushMs ({options.BudgetLeases.FlushMs} ms), got '{options.BudgetLeases.GraceSeconds}'");
        }

        if (options.SharedRateLimits.Mode is not ("auto" or "on" or "off"))
        {
            failures.Add($"{Section}:SharedRateLimits:Mode: must be auto, on or off, got '{options.SharedRateLimits.Mode}'");
        }

        if (!RoutingPolicyNames.TryParse(options.Routing.DefaultPolicy, out var policy) || policy == RoutingPolicy.Pinned)
        {
            failures.Add($"{Section}:Routing:DefaultPolicy: must be one of {string.Join(", ", RoutingPolicyNames.All.Skip(1))}, got '{options.Routing.DefaultPolicy}'");
        }

        ValidateTenantsAndKeys(options, failures);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Thinking and prompt caching are Anthropic's controls: on another kind they would be settings that do nothing
    /// (OpenAI-compatible upstreams take <c>reasoning_effort</c> as it is and cache prompts by themselves), so they are
    /// refused rather than ignored. Budgets below the API's minimum would be refused by every request.
    /// </summary>
    private static void AnthropicModelFailures(ModelOptions m, string key, string? kind, List<string> failures)
    {
        bool anthropic = kind == "anthropic";
        if (m.Thinking && !anthropic)
        {
            failures.Add($"{key}:Thinking: only models of an upstream of kind 'anthropic' take it, got kind '{kind}'");
        }

        if (m.ThinkingBudgets.Count > 0 && !m.Thinking)
        {
            failures.Add($"{key}:ThinkingBudgets: set without {key}:Thinking=true");
        }

        foreach (var (effort, budget) in m.ThinkingBudgets)
        {
            if (Array.IndexOf(AnthropicThinking.Efforts, effort) < 0)
            {
                failures.Add($"{key}:ThinkingBudgets:{effort}: not an effort, must be one of {string.Join(", ", AnthropicThinking.Efforts)}");
            }
            else if (budget is < AnthropicThinking.MinimumBudget or > 1_000_000)
            {
                failures.Add(FormattableString.Invariant($"{key}:ThinkingBudgets:{effort}: must be between {AnthropicThinking.MinimumBudget} (Anthropic's minimum budget_tokens) and 1000000, got '{budget}'"));
            }
        }

        if (m.PromptCache is not ("off" or "auto"))
        {
            failures.Add($"{key}:PromptCache: must be off or auto, got '{m.PromptCache}'");
        }
        else if (m.PromptCache == "auto" && !anthropic)
        {
            failures.Add($"{key}:PromptCache: only models of an upstream of kind 'anthropic' take it (OpenAI-compatible upstreams cache prompts by themselves), got kind '{kind}'");
        }

        if (!PromptCacheTtl.IsValid(m.PromptCacheTtl))
        {
            failures.Add($"{key}:PromptCacheTtl: must be 5m or 1h, got '{m.PromptCacheTtl}'");
        }
        else if (m.PromptCacheTtl != PromptCacheTtl.Default && m.PromptCache != "auto")
        {
            failures.Add($"{key}:PromptCacheTtl: needs PromptCache=auto (without breakpoints nothing is cached)");
        }
    }

    /// <summary>A PII rule of a tenant or a key: its mode, whether it restores, and the kinds it covers.</summary>
    private static void PiiRuleFailures(string key, string pii, bool? restore, List<string> kinds, List<string> failures)
    {
        if (!PiiModes.TryParse(pii, out var mode))
        {
            failures.Add($"{key}:Pii: must be off, redact or block, got '{pii}'");
        }
        else if (restore is not null && mode != PiiMode.Redact)
        {
            // Restoring needs placeholders: under off or block there are none, so the setting would mean nothing.
            failures.Add($"{key}:PiiRestore: only applies with Pii=redact, got Pii='{pii}'");
        }

        for (int k = 0; k < kinds.Count; k++)
        {
            if (!PiiKinds.TryParse(kinds[k], out _))
            {
                failures.Add($"{key}:PiiKinds:{k}: must be one of {string.Join(", ", PiiKinds.All.Select(PiiKinds.Name))}, got '{kinds[k]}'");
            }
        }

        if (kinds.Count > 0 && PiiModes.TryParse(pii, out var rule) && rule == PiiMode.Off)
        {
            failures.Add($"{key}:PiiKinds: only applies with Pii=redact or block, got Pii='{pii}'");
        }
    }

    private static void ValidateTenantsAndKeys(ModelRouterOptions options, List<string> failures)
    {
        var tenants = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Tenants.Count; i++)
        {
            var t = options.Tenants[i];
            string key = $"{Section}:Tenants:{i}";
            if (!tenants.Add(t.Id))
            {
                failures.Add($"{key}:Id: tenant '{t.Id}' is defined twice");
            }

            if (!BudgetPeriods.TryParse(t.BudgetPeriod, out _))
            {
                failures.Add($"{key}:BudgetPeriod: must be daily, monthly or total, got '{t.BudgetPeriod}'");
            }

            PiiRuleFailures(key, t.Pii, t.PiiRestore, t.PiiKinds, failures);
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Keys.Count; i++)
        {
            var k = options.Keys[i];
            string key = $"{Section}:Keys:{i}";
            if (!keys.Add(k.Name))
            {
                failures.Add($"{key}:Name: key '{k.Name}' is defined twice");
            }

            // A misspelt tenant would silently escape the tenant's budget and PII rule: only configured tenants.
            if (k.Tenant is { } tenant && !tenants.Contains(tenant))
            {
                failures.Add($"{key}:Tenant: no tenant '{tenant}' is configured (ModelRouter:Tenants:N:Id)");
            }

            if (!BudgetPeriods.TryParse(k.BudgetPeriod, out _))
            {
                failures.Add($"{key}:BudgetPeriod: must be daily, monthly or total, got '{k.BudgetPeriod}'");
            }

            if (k.Pii is not null)
            {
                PiiRuleFailures(key, k.Pii, k.PiiRestore, k.PiiKinds, failures);
            }
            else if (k.PiiRestore is not null || k.PiiKinds.Count > 0)
            {
                // Without its own Pii the key follows its tenant's rule whole: half a rule would be ambiguous.
                failures.Add($"{key}:{(k.PiiRestore is not null ? "PiiRestore" : "PiiKinds")}: set without {key}:Pii (the key follows its tenant's rule unless it names its own)");
            }
        }

        // Only budgets reserve: without any, a long-running configuration need not raise the timeout.
        bool budgets = options.Tenants.Any(static t => t.BudgetUsd is not null) || options.Keys.Any(static k => k.BudgetUsd is not null);
        long longestRequestMs = (long)options.Upstreams.Select(static u => u.TimeoutMs).DefaultIfEmpty(60_000).Max() * options.Routing.MaxAttempts;
        if (budgets && options.ReservationTimeoutSeconds * 1000L <= longestRequestMs)
        {
            failures.Add($"{Section}:ReservationTimeoutSeconds: must exceed the longest request (TimeoutMs × MaxAttempts = {longestRequestMs / 1000.0:0.###} s), got '{options.ReservationTimeoutSeconds}'");
        }
    }

    /// <summary>
    /// <c>ImageRule</c> and the numbers of the patch and pixel rules: each only on the model kind (and rule) it describes
    /// (their ranges are the options' <c>[Range]</c> attributes).
    /// </summary>
    private static void ValidateImageRule(ModelOptions m, string key, string? kind, List<string> failures)
    {
        if (m.ImageRule is not (null or "tiles" or "patches"))
        {
            failures.Add($"{key}:ImageRule: must be 'tiles' or 'patches', got '{m.ImageRule}'");
        }
        else if (m.ImageRule is not null && kind is not null and not "openai")
        {
            failures.Add($"{key}:ImageRule: only 'openai' models choose an image rule; '{kind}' models bill images by their own rule");
        }

        if ((m.ImagePatchMultiplier is not null || m.ImagePatchCap is not null) && kind is not null and not "openai")
        {
            failures.Add($"{key}:ImagePatchMultiplier/ImagePatchCap: only 'openai' models take patch numbers; '{kind}' models bill images by their own rule");
        }
        else if ((m.ImagePatchMultiplier is not null || m.ImagePatchCap is not null) && m.EffectiveImageRule() != "patches")
        {
            failures.Add($"{key}:ImagePatchMultiplier/ImagePatchCap: patch numbers need ImageRule=patches (the model bills by tiles)");
        }

        if (m.ImageRule == "patches" && (m.ImageBaseTokens is not null || m.ImageTileTokens is not null))
        {
            failures.Add($"{key}:ImageBaseTokens/ImageTileTokens: tile numbers do not apply with ImageRule=patches");
        }

        if ((m.ImageMaxLongEdge is not null || m.ImageMaxPixels is not null) && kind is not null and not "anthropic")
        {
            failures.Add($"{key}:ImageMaxLongEdge/ImageMaxPixels: only 'anthropic' models take a resize limit; '{kind}' models bill images by their own rule");
        }
    }
}
