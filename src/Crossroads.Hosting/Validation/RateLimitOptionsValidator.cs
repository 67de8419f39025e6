using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Validation;

/// <summary>Checks the <c>RateLimits</c> section: rates and bursts must be positive so a bucket can ever refill.</summary>
internal sealed class RateLimitOptionsValidator(ModuleSet modules) : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        Check(options.Reads, "RateLimits:Reads", failures);
        Check(options.Writes, "RateLimits:Writes", failures);
        Check(options.AuthFailures, "RateLimits:AuthFailures", failures);
        foreach (var (moduleName, module) in options.Modules)
        {
            string key = $"RateLimits:Modules:{moduleName}";
            // Settings of a module that is switched off are kept (and checked) so switching it back on needs no edit.
            if (!modules.Composed.Any(m => string.Equals(m.Identity.Name, moduleName, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"{key}: no such module (modules: {string.Join(", ", modules.Composed.Select(static m => m.Identity.Name))})");
                continue;
            }

            Check(module.Reads, key + ":Reads", failures);
            Check(module.Writes, key + ":Writes", failures);
            if (!Enum.IsDefined(module.PartitionBy))
            {
                failures.Add($"{key}:PartitionBy: must be Client or Address, got {module.PartitionBy}");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(TokenBucketSettings? settings, string key, List<string> failures)
    {
        if (settings is null)
        {
            failures.Add($"{key}: section is missing");
            return;
        }

        // NaN fails every comparison, so test for the valid range rather than the invalid one.
        if (!(settings.PermitsPerSecond > 0 && settings.PermitsPerSecond <= 10_000_000))
        {
            failures.Add(FormattableString.Invariant($"{key}:PermitsPerSecond: must be greater than 0 and at most 10000000, got {settings.PermitsPerSecond}"));
        }

        if (settings.Burst < 1)
        {
            failures.Add(FormattableString.Invariant($"{key}:Burst: must be at least 1, got {settings.Burst}"));
        }
    }
}
