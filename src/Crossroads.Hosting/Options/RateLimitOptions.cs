using System.ComponentModel;

namespace Crossroads.Hosting;

/// <summary>
/// Per-client request budgets, bound from the <c>RateLimits</c> section. <see cref="Reads"/> and <see cref="Writes"/>
/// apply to the chassis' own endpoints and to modules without budgets of their own; modules declare defaults that fit
/// their clients (<see cref="Modules"/>).
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "RateLimits";

    /// <summary>Turns all budgets off when false.</summary>
    [Description("Per-client token-bucket rate limits; set false for load tests from one client.")]
    public bool Enabled { get; set; } = true;

    /// <summary>Budget for requests to endpoints not marked as writes.</summary>
    [Description("Read budget.")]
    public TokenBucketSettings Reads { get; set; } = new() { PermitsPerSecond = 1000, Burst = 2000 };

    /// <summary>Budget for endpoints marked with <see cref="WriteAccessEndpointExtensions.RequireWriteAccess{TBuilder}"/>.</summary>
    [Description("Write budget.")]
    public TokenBucketSettings Writes { get; set; } = new() { PermitsPerSecond = 50, Burst = 100 };

    /// <summary>
    /// Budget for failed API-key attempts (a key presented that matches none) per client address, IPv6 by /64. Once
    /// spent, requests presenting any key get 429 before the key is checked, which stops key guessing.
    /// </summary>
    [Description("Failed API-key attempts per client address (IPv6 by /64); once spent, requests with any key get 429 before the key is checked.")]
    public TokenBucketSettings AuthFailures { get; set; } = new() { PermitsPerSecond = 1, Burst = 10 };

    /// <summary>
    /// Budgets of the modules that declare their own (<see cref="CrossroadsModule.RateLimits"/>), by module name; the
    /// chassis fills in each module's defaults and configuration overrides them key by key.
    /// </summary>
    public IDictionary<string, ModuleRateLimitOptions> Modules { get; } = new Dictionary<string, ModuleRateLimitOptions>(StringComparer.OrdinalIgnoreCase);
}
