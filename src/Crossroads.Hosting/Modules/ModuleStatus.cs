namespace Crossroads.Hosting;

/// <summary>
/// A module's own report of its start: loading, ready, or failed with a one-line reason. The chassis registers one
/// per enabled module as a keyed singleton (<c>[FromKeyedServices(ModuleCatalog.Names.X)] ModuleStatus</c>) and turns
/// it into the module's health check, the startup probe and, on failure, exit code 3.
/// </summary>
public sealed class ModuleStatus
{
    private readonly TaskCompletionSource<ModuleState> _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _detail;
    private volatile Func<IReadOnlyDictionary<string, object>>? _data;

    /// <summary>Creates the status of <paramref name="identity"/>'s module, loading.</summary>
    public ModuleStatus(ModuleIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        Identity = identity;
    }

    /// <summary>The module.</summary>
    public ModuleIdentity Identity { get; }

    /// <summary>The current state.</summary>
    public ModuleState State => _settled.Task.IsCompleted ? _settled.Task.Result : ModuleState.Loading;

    /// <summary>What the module said when it became ready (e.g. "1119261 routes") or why it failed; null while loading.</summary>
    public string? Detail => _detail;

    /// <summary>The failure reason once <see cref="State"/> is <see cref="ModuleState.Failed"/>, else null.</summary>
    public string? Failure => State == ModuleState.Failed ? _detail : null;

    /// <summary>
    /// Figures the module's health check reports in its <c>data</c> (document counts, ...), read at each probe; null
    /// when the module reports none.
    /// </summary>
    public IReadOnlyDictionary<string, object>? Data => _data?.Invoke();

    /// <summary>Completes with <see cref="ModuleState.Ready"/> or <see cref="ModuleState.Failed"/>.</summary>
    public Task<ModuleState> Settled => _settled.Task;

    /// <summary>Reports that the module serves. Only the first report counts.</summary>
    public bool MarkReady(string? detail = null) => Settle(ModuleState.Ready, detail);

    /// <summary>
    /// Sets what <see cref="Data"/> reads; called at each probe, so it must be cheap and must not throw. Values should
    /// be numbers, booleans or strings (the health answer writes them as JSON).
    /// </summary>
    public void ReportData(Func<IReadOnlyDictionary<string, object>> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
    }

    /// <summary>Reports that the initial load failed; <paramref name="reason"/> is printed as is, so name the setting or file.</summary>
    public bool MarkFailed(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return Settle(ModuleState.Failed, reason.ReplaceLineEndings(" "));
    }

    private bool Settle(ModuleState state, string? detail)
    {
        lock (_settled)
        {
            if (_settled.Task.IsCompleted)
            {
                return false;
            }

            _detail = detail;
            _settled.SetResult(state);
            return true;
        }
    }
}
