using Crossroads.ModelRouting.Privacy;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Who sent a request, as the router bills and limits it: the key name (or the anonymous key), the tenant, the
/// tenant's PII rule, and whether its placeholders are put back in the answer (<c>PiiRestore</c>, only with redact).
/// </summary>
internal sealed record Caller(string Key, string Tenant, PiiMode Pii, bool PiiRestore = false);
