using System.Text.RegularExpressions;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// API secrets by their vendors' published prefixes: OpenAI/Anthropic-style <c>sk-…</c>, AWS access key ids
/// (<c>AKIA</c>/<c>ASIA</c> + 16), GitHub tokens (<c>ghp_</c>, <c>gho_</c>, <c>ghu_</c>, <c>ghs_</c>, <c>ghr_</c>,
/// <c>github_pat_</c>), Slack (<c>xox?-</c>), Google API keys (<c>AIza</c> + 35), Stripe live/test keys, and PEM
/// private key headers. A prefix with a long random tail is what leaks; plain words are never matched.
/// </summary>
public sealed partial class SecretDetector : RegexPiiDetector
{
    /// <inheritdoc />
    public override PiiKind Kind => PiiKind.Secret;

    /// <inheritdoc />
    protected override Regex Pattern => Candidates();

    [GeneratedRegex(
        @"(?<![A-Za-z0-9_-])(?:sk-[A-Za-z0-9_-]{20,256}|(?:AKIA|ASIA)[0-9A-Z]{16}|gh[opusr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|xox[abposr]-[A-Za-z0-9-]{10,255}|AIza[0-9A-Za-z_-]{35}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,255})(?![A-Za-z0-9_-])|-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----",
        RegexOptions.CultureInvariant)]
    private static partial Regex Candidates();
}
