using System.Collections.Frozen;
using Crossroads.Hosting;
using Crossroads.ModelRouting.Privacy;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Maps a request to its <see cref="Caller"/>. A request authenticated by the chassis (an API key) is that key: its
/// tenant is its <c>Keys</c> entry's <c>Tenant</c>, else the key name; a client holding a key cannot bill another
/// tenant. A request without a key is the anonymous key (<c>AnonymousKey</c>): its tenant is the anonymous
/// <c>Keys</c> entry's tenant when configured, else the <c>X-Crossroads-Tenant</c> header, ATP's <c>tenant</c>, or
/// <c>DefaultTenant</c> — so where unauthenticated clients are allowed, they can name any tenant unless an
/// anonymous entry pins it.
/// </summary>
internal sealed class CallerDirectory
{
    private readonly FrozenDictionary<string, KeyOptions> _keys;
    private readonly FrozenDictionary<string, (PiiMode Mode, bool Restore, PiiRedactor Redactor)> _pii;
    private readonly FrozenDictionary<string, (PiiMode Mode, bool Restore, PiiRedactor Redactor)> _keyPii;
    private readonly string _anonymousKey;
    private readonly string _defaultTenant;

    public CallerDirectory(ModelRouterOptions options)
    {
        _keys = options.Keys.ToFrozenDictionary(static k => k.Name, StringComparer.Ordinal);
        _pii = options.Tenants.ToFrozenDictionary(static t => t.Id, static t => PiiRule(t.Pii, t.PiiRestore, t.PiiKinds), StringComparer.Ordinal);
        _keyPii = options.Keys.Where(static k => k.Pii is not null).ToFrozenDictionary(static k => k.Name, static k => PiiRule(k.Pii!, k.PiiRestore, k.PiiKinds), StringComparer.Ordinal);
        _anonymousKey = options.AnonymousKey;
        _defaultTenant = options.DefaultTenant;
    }

    public Caller Resolve(HttpContext context, ParsedRequest request) => Resolve(context, request.Tenant);

    /// <summary>The caller of <paramref name="context"/>; <paramref name="requestedTenant"/>: the body's tenant (ATP's <c>tenant</c>), if any.</summary>
    public Caller Resolve(HttpContext context, string? requestedTenant)
    {
        string? keyName = context.GetApiKeyName();
        string key = keyName ?? _anonymousKey;
        string tenant;
        if (_keys.TryGetValue(key, out var entry) && entry.Tenant is { } pinned)
        {
            tenant = pinned;
        }
        else if (keyName is not null)
        {
            tenant = keyName;
        }
        else
        {
            tenant = context.Request.Headers[ModelRouterApi.TenantHeader].FirstOrDefault() is { Length: > 0 } header ? header : requestedTenant ?? _defaultTenant;
        }

        // A key's own rule replaces its tenant's (an operator may hold one integration to a stricter rule, or exempt one).
        var (mode, restore, redactor) = _keyPii.TryGetValue(key, out var own) ? own : _pii.GetValueOrDefault(tenant, (PiiMode.Off, false, PiiRedactor.Default));
        return new Caller(key, tenant, mode, restore, redactor);
    }

    /// <summary>
    /// A tenant's or key's PII mode, whether its answers get the redacted values back (by default, under redact), and
    /// the detectors of its kinds (built once; the defaults when it lists none).
    /// </summary>
    private static (PiiMode Mode, bool Restore, PiiRedactor Redactor) PiiRule(string pii, bool? piiRestore, List<string> kinds)
    {
        var mode = PiiModes.TryParse(pii, out var m) ? m : PiiMode.Off;
        var redactor = kinds is { Count: > 0 }
            ? PiiRedactor.For(kinds.Select(static n => PiiKinds.TryParse(n, out var k) ? k : throw new InvalidOperationException($"unknown PII kind '{n}' (the options validator refuses it)")))
            : PiiRedactor.Default;
        return (mode, mode == PiiMode.Redact && (piiRestore ?? true), redactor);
    }

    /// <summary>The <c>Keys</c> entry of <paramref name="key"/> (its limits and budget), if configured.</summary>
    public KeyOptions? KeyEntry(string key) => _keys.GetValueOrDefault(key);
}
