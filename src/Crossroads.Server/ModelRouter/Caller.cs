using Crossroads.ModelRouting.Privacy;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// Who sent a request, as the router bills and limits it: the key name (or the anonymous key), the tenant, the
/// tenant's PII rule, and whether its placeholders are put back in the answer (<c>PiiRestore</c>, only with redact),
/// and the detectors of the kinds its rule covers (<c>PiiKinds</c>).
/// </summary>
internal sealed record Caller(string Key, string Tenant, PiiMode Pii, bool PiiRestore, PiiRedactor Redactor);
