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

            if (m.Status is not ("active" or "shadow" or "disabled"))
            {
                failures.Add($"{key}:Status: must be active, shadow or disabled, got '{m.Status}'");
            }
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

        if (!RoutingPolicyNames.TryParse(options.Routing.DefaultPolicy, out var policy) || policy == RoutingPolicy.Pinned)
        {
            failures.Add($"{Section}:Routing:DefaultPolicy: must be one of {string.Join(", ", RoutingPolicyNames.All.Skip(1))}, got '{options.Routing.DefaultPolicy}'");
        }

        var tenants = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Tenants.Count; i++)
        {
            if (!tenants.Add(options.Tenants[i].Id))
            {
                failures.Add($"{Section}:Tenants:{i}:Id: tenant '{options.Tenants[i].Id}' is defined twice");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
