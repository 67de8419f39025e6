using Crossroads.Hosting.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting;

/// <summary>What a module gets to register itself: the service collection, its configuration section, and options binding.</summary>
public sealed class ModuleServices
{
    private readonly OptionsCatalog _catalog;

    internal ModuleServices(CrossroadsModule module, IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, OptionsCatalog catalog)
    {
        Module = module;
        Services = services;
        Configuration = configuration.GetSection(module.Identity.SectionName);
        Environment = environment;
        _catalog = catalog;
    }

    /// <summary>The module being registered.</summary>
    public CrossroadsModule Module { get; }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The module's own configuration section.</summary>
    public IConfigurationSection Configuration { get; }

    /// <summary>The host environment (Development, Production).</summary>
    public IHostEnvironment Environment { get; }

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from the module's section (or <paramref name="subsection"/> of it) with the
    /// chassis' rules: unknown keys refused, data annotations checked at start with messages naming the full key
    /// (and its legacy alias), listed by <c>--help</c>. The bound value is also registered as a singleton.
    /// </summary>
    public OptionsBuilder<TOptions> AddOptions<TOptions>(string? subsection = null)
        where TOptions : class, new()
    {
        var section = subsection is null ? Configuration : Configuration.GetSection(subsection);
        var aliases = subsection is null ? Module.Aliases : [];
        return ValidatedOptions.Add<TOptions>(Services, section, aliases, _catalog);
    }
}
