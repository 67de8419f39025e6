using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Configuration;

/// <summary>The chassis' one way to bind options: used for its own sections and, through <see cref="ModuleServices"/>, for every module's.</summary>
internal static class ValidatedOptions
{
    public static OptionsBuilder<TOptions> Add<TOptions>(IServiceCollection services, IConfiguration section, IReadOnlyList<ConfigurationAlias> aliases, OptionsCatalog catalog)
        where TOptions : class, new()
    {
        string path = section is IConfigurationSection s ? s.Path : string.Empty;
        catalog.Add(new OptionsEntry(path, typeof(TOptions), new TOptions(), aliases));

        // Unknown keys fail too: a misspelt setting silently falling back to its default is worse than refusing to start.
        var builder = services.AddOptions<TOptions>()
            .Bind(section, static binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new AnnotatedOptionsValidator<TOptions>(path, aliases)));
        services.TryAddSingleton(static sp => sp.GetRequiredService<IOptions<TOptions>>().Value);
        return builder;
    }
}
