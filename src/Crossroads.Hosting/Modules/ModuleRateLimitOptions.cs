namespace Crossroads.Hosting;

/// <summary>
/// A module's request budgets, bound from <c>RateLimits:Modules:&lt;Name&gt;</c> over the defaults the module declares
/// in <see cref="CrossroadsModule.RateLimits"/>.
/// </summary>
public sealed class ModuleRateLimitOptions
{
    /// <summary>Budget for the module's read endpoints.</summary>
    [System.ComponentModel.Description("Read budget of this module.")]
    public TokenBucketSettings Reads { get; set; } = new();

    /// <summary>Budget for the module's endpoints marked as writes.</summary>
    [System.ComponentModel.Description("Write budget of this module.")]
    public TokenBucketSettings Writes { get; set; } = new();

    /// <summary>Who a budget belongs to.</summary>
    [System.ComponentModel.Description("Who a budget belongs to: Client (the API key name, else the address) or Address (always the address, a public API's per-IP limit).")]
    public RateLimitScope PartitionBy { get; set; } = RateLimitScope.Client;
}
