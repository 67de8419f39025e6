namespace Crossroads.Server.ModelRouter;

/// <summary><c>GET /v1/key</c>'s answer: wrapped in <c>data</c>, as OpenRouter's <c>GET /api/v1/key</c> answers.</summary>
public sealed record KeyInfoResponse(KeyInfo Data);

/// <summary>
/// The calling key as the router bills and limits it: its name (the anonymous key for a request without one), whether
/// the request was authenticated, its tenant, its rpm/tpm limits (null: unlimited), and the current period's budget of
/// the key and of the tenant (null: no budget).
/// </summary>
public sealed record KeyInfo(string Key, bool Authenticated, string Tenant, KeyRateLimit RateLimit, BudgetInfo? Budget, BudgetInfo? TenantBudget);

/// <summary>
/// A key's per-minute limits (null: not limited) and what is left of each now in this replica (the numbers of the
/// <c>x-ratelimit-remaining-*</c> headers; null where there is no limit).
/// </summary>
public sealed record KeyRateLimit(int? Rpm, int? Tpm, long? RemainingRequests, long? RemainingTokens);

/// <summary>
/// One account's budget in its current period: the limit, the period (<c>daily</c>, <c>monthly</c>, <c>total</c>) and
/// its UTC bounds (null for <c>total</c>), what was spent (settled), what requests in flight hold, and what remains.
/// </summary>
public sealed record BudgetInfo(decimal LimitUsd, string Period, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd, decimal SpentUsd, decimal ReservedUsd, decimal RemainingUsd);
