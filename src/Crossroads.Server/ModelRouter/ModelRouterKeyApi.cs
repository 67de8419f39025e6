using Crossroads.Hosting;
using Crossroads.Hosting.Json;
using Crossroads.ModelRouting.Budgets;
using Crossroads.ModelRouting.Budgets.Spend;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// <c>GET /v1/key</c>: what the calling key may still do. A request without a key is answered for the anonymous key,
/// as the router bills and limits it (<see cref="CallerDirectory"/>), not refused: where reads need no key, an
/// unauthenticated client can call the model endpoints, so it may read what binds it (with
/// <c>Auth:RequireKeyForReads</c> the chassis answers 401 first).
/// </summary>
internal static class ModelRouterKeyApi
{
    public static async Task<IResult> GetKeyAsync(HttpContext context, ModelRouterRuntime runtime)
    {
        var caller = runtime.Callers.Resolve(context, requestedTenant: null);
        var entry = runtime.Callers.KeyEntry(caller.Key);
        var windows = runtime.Limits.Peek(caller.Key); // takes nothing: reading does not spend the key's rpm
        var ledger = runtime.Engine.Budgets;
        try
        {
            var key = await BudgetOfAsync(ledger, BudgetAccount.KeyId(caller.Key), context.RequestAborted).ConfigureAwait(false);
            var tenant = await BudgetOfAsync(ledger, BudgetAccount.TenantId(caller.Tenant), context.RequestAborted).ConfigureAwait(false);
            var info = new KeyInfo(caller.Key, context.GetApiKeyName() is not null, caller.Tenant, new KeyRateLimit(entry?.Rpm, entry?.Tpm, windows.Requests?.Remaining, windows.Tokens?.Remaining), key, tenant);
            return new SizedJsonResult<KeyInfoResponse>(new KeyInfoResponse(info), ModelRouterJsonContext.Default.KeyInfoResponse);
        }
        catch (SpendStoreUnavailableException)
        {
            return ModelRouterProblems.SpendStoreUnavailable(context);
        }
    }

    /// <summary>The account's budget, or null without one (then the store is not touched: deployments without budgets never open it).</summary>
    private static async Task<BudgetInfo?> BudgetOfAsync(BudgetLedger ledger, string account, CancellationToken cancellationToken)
    {
        if (ledger.Find(account) is null)
        {
            return null;
        }

        var s = await ledger.SnapshotAsync(account, cancellationToken).ConfigureAwait(false);
        return new BudgetInfo(s.LimitUsd!.Value, BudgetPeriods.Name(s.Period), s.PeriodStart, s.PeriodEnd, s.SpentUsd, s.ReservedUsd, s.RemainingUsd!.Value);
    }
}
