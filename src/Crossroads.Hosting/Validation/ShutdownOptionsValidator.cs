using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Validation;

/// <summary>Checks the <c>Shutdown</c> section; orchestrators kill after their own grace period, so keep values bounded.</summary>
internal sealed class ShutdownOptionsValidator : IValidateOptions<ShutdownOptions>
{
    public ValidateOptionsResult Validate(string? name, ShutdownOptions options)
    {
        var failures = new List<string>();
        if (!(options.DrainDelaySeconds >= 0 && options.DrainDelaySeconds <= 600))
        {
            failures.Add(FormattableString.Invariant($"Shutdown:DrainDelaySeconds: must be between 0 and 600, got {options.DrainDelaySeconds}"));
        }

        if (!(options.TimeoutSeconds > 0 && options.TimeoutSeconds <= 600))
        {
            failures.Add(FormattableString.Invariant($"Shutdown:TimeoutSeconds: must be greater than 0 and at most 600, got {options.TimeoutSeconds}"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
