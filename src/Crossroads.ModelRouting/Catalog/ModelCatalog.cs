using System.Collections.Frozen;

namespace Crossroads.ModelRouting.Catalog;

/// <summary>The configured models, found by id or alias (ordinal, case-insensitive). Immutable.</summary>
public sealed class ModelCatalog
{
    private readonly FrozenDictionary<string, ModelDescriptor> _byName;

    /// <summary>Builds the catalog; ids and aliases must be unique across models.</summary>
    public ModelCatalog(IEnumerable<ModelDescriptor> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        Models = [.. models];
        var byName = new Dictionary<string, ModelDescriptor>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in Models)
        {
            foreach (var name in model.Aliases.Prepend(model.Id))
            {
                if (!byName.TryAdd(name, model))
                {
                    throw new ArgumentException($"model name '{name}' is used twice (ids and aliases must be unique)", nameof(models));
                }
            }
        }

        _byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every model, in configuration order.</summary>
    public IReadOnlyList<ModelDescriptor> Models { get; }

    /// <summary>Finds a model by id or alias.</summary>
    public bool TryFind(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelDescriptor? model) =>
        _byName.TryGetValue(name, out model);
}
