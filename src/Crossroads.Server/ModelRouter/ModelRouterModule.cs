using Crossroads.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Crossroads.Server.ModelRouter;

/// <summary>
/// The model router (LLM gateway) under <c>/v1</c>: OpenAI-compatible chat completions and models, ATP-compatible
/// ask/plan/observe, decision records. Routes each request to a configured model (or the built-in demo model) by
/// eligibility and policy, falls back before any content is sent, and holds tenants to their budgets.
/// </summary>
public sealed class ModelRouterModule : CrossroadsModule
{
    /// <inheritdoc />
    public override ModuleIdentity Identity => ModuleCatalog.ModelRouter;

    /// <inheritdoc />
    public override string RoutePrefix => "/v1";

    /// <summary>Ready once its runtime is built (<see cref="ModelRouterStartup"/>), in the background.</summary>
    public override bool LoadsInBackground => true;

    /// <summary>The SQLite spend store lives in the data directory the other modules share.</summary>
    public override IReadOnlyList<ConfigurationAlias> Aliases { get; } =
    [
        new("DATA_DIR", nameof(ModelRouterOptions.DataDirectory)),
    ];

    /// <inheritdoc />
    public override void AddServices(ModuleServices module)
    {
        ArgumentNullException.ThrowIfNull(module);
        module.AddOptions<ModelRouterOptions>();
        module.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelRouterOptions>, ModelRouterOptionsValidator>());
        module.Services.TryAddSingleton(TimeProvider.System);
        module.Services.AddSingleton<ModelRouterRuntime>();
        module.Services.AddHostedService<ModelRouterStartup>();
        module.Services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ModelRouterJsonContext.Default));
    }

    /// <inheritdoc />
    public override void MapEndpoints(IEndpointRouteBuilder group) => group.MapModelRouterApi();
}
