namespace Crossroads.Hosting;

/// <summary>The enabled modules of this process, in composition order, with their statuses.</summary>
public sealed class ModuleSet
{
    internal ModuleSet(IReadOnlyList<CrossroadsModule> modules, IReadOnlyList<CrossroadsModule> composed)
    {
        Modules = modules;
        Composed = composed;
        Statuses = [.. modules.Select(static m => new ModuleStatus(m.Identity))];
    }

    /// <summary>The enabled modules.</summary>
    public IReadOnlyList<CrossroadsModule> Modules { get; }

    /// <summary>Every module the server was composed with, switched on or off.</summary>
    public IReadOnlyList<CrossroadsModule> Composed { get; }

    /// <summary>One status per enabled module, in the same order.</summary>
    public IReadOnlyList<ModuleStatus> Statuses { get; }

    /// <summary>True when every enabled module is ready (also with no modules at all).</summary>
    public bool AllReady => Statuses.All(static s => s.State == ModuleState.Ready);

    /// <summary>The first module whose initial load failed, or null.</summary>
    public ModuleStatus? FirstFailure => Statuses.FirstOrDefault(static s => s.State == ModuleState.Failed);

    /// <summary>The status of the module named <paramref name="name"/>.</summary>
    public ModuleStatus StatusOf(string name) =>
        Statuses.FirstOrDefault(s => string.Equals(s.Identity.Name, name, StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"module {name} is not enabled");
}
