using Crossroads.ModelRouting.Privacy;

namespace Crossroads.Server.ModelRouter;

/// <summary>Who sent a request, as the router bills and limits it: the key name (or the anonymous key), the tenant, and the tenant's PII rule.</summary>
internal sealed record Caller(string Key, string Tenant, PiiMode Pii);
