using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Validation;

/// <summary>Checks the <c>Limits</c> section against ranges Kestrel and HTTP clients can actually honour.</summary>
internal sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var failures = new List<string>();
        if (options.MaxUrlLength is < 16 or > 65536)
        {
            failures.Add(FormattableString.Invariant($"Limits:MaxUrlLength: must be between 16 and 65536, got {options.MaxUrlLength}"));
        }

        if (options.MaxRequestHeadersTotalSize is < 1024 or > 1024 * 1024)
        {
            failures.Add(FormattableString.Invariant($"Limits:MaxRequestHeadersTotalSize: must be between 1024 and 1048576, got {options.MaxRequestHeadersTotalSize}"));
        }

        if (options.MaxRequestBodySize < 1)
        {
            failures.Add(FormattableString.Invariant($"Limits:MaxRequestBodySize: must be at least 1, got {options.MaxRequestBodySize}"));
        }

        if (!(options.RequestTimeoutSeconds > 0 && options.RequestTimeoutSeconds <= 3600))
        {
            failures.Add(FormattableString.Invariant($"Limits:RequestTimeoutSeconds: must be greater than 0 and at most 3600, got {options.RequestTimeoutSeconds}"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
