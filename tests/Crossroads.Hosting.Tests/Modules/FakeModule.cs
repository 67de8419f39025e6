using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Tests.Modules;

/// <summary>A configurable module: <c>GET {prefix}/ping</c> answers its name and its options' <c>Greeting</c>.</summary>
public sealed class FakeModule(string name, int firstEventId, string prefix = "") : CrossroadsModule
{
    public override ModuleIdentity Identity { get; } = new(name, new EventIdRange(firstEventId, firstEventId + 99));

    public override string RoutePrefix => prefix;

    public bool Background { get; init; }

    public override bool LoadsInBackground => Background;

    public IReadOnlyList<ConfigurationAlias> LegacyNames { get; init; } = [];

    public override IReadOnlyList<ConfigurationAlias> Aliases => LegacyNames;

    public ModuleRateLimitOptions? Budgets { get; init; }

    public override ModuleRateLimitOptions? RateLimits => Budgets;

    public override void AddServices(ModuleServices module) => module.AddOptions<FakeOptions>();

    public override void MapEndpoints(IEndpointRouteBuilder group)
    {
        string moduleName = Identity.Name;
        group.MapGet("/ping", (IServiceProvider services) =>
            $"{moduleName}:{services.GetRequiredService<IOptionsMonitor<FakeOptions>>().CurrentValue.Greeting}");
        group.MapPost("/ping", () => "written").RequireWriteAccess();
    }
}

/// <summary>Options of every <see cref="FakeModule"/> (each binds its own section).</summary>
public sealed class FakeOptions
{
    [Description("What /ping says.")]
    [Required]
    [MinLength(2)]
    public string Greeting { get; set; } = "hello";

    [Description("A bounded number.")]
    [Range(1, 10)]
    public int Level { get; set; } = 5;
}
