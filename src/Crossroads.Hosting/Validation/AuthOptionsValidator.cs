using Crossroads.Hosting.Auth;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Validation;

/// <summary>Checks the <c>Auth</c> section; every message starts with the configuration key so the one-line error is actionable.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            CheckEntry(options.ApiKeys[i], $"Auth:ApiKeys:{i}", failures);
        }

        var fileKeyCount = 0;
        if (!string.IsNullOrWhiteSpace(options.ApiKeysFile))
        {
            if (ApiKeyFileLoader.TryLoad(options.ApiKeysFile, out var entries, out var error))
            {
                fileKeyCount = entries.Count;
                for (var i = 0; i < entries.Count; i++)
                {
                    CheckEntry(entries[i], $"Auth:ApiKeysFile ({options.ApiKeysFile}) entry {i}", failures);
                }
            }
            else
            {
                failures.Add($"Auth:ApiKeysFile: {error}");
            }
        }

        if (options.RequireKeyForReads && options.ApiKeys.Count + fileKeyCount == 0)
        {
            failures.Add("Auth:RequireKeyForReads: is true but no keys are configured in Auth:ApiKeys or Auth:ApiKeysFile");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckEntry(ApiKeyEntry entry, string key, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(entry.Name))
        {
            failures.Add($"{key}:Name: must not be empty");
        }

        if (entry.Sha256.Length != 64 || !IsHex(entry.Sha256))
        {
            failures.Add($"{key}:Sha256: must be 64 hexadecimal characters (the SHA-256 of the key), got {entry.Sha256.Length} characters");
        }
    }

    private static bool IsHex(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
