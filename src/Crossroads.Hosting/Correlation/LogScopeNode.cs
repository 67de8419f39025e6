namespace Crossroads.Hosting.Correlation;

/// <summary>One open logging scope in <see cref="RequestScopeProvider"/>'s chain: its state and the scope it was opened in.</summary>
internal abstract class LogScopeNode
{
    /// <summary>The scope that was current when this one was opened (null at the root).</summary>
    public LogScopeNode? Parent { get; protected set; }

    /// <summary>What log providers are given for this scope.</summary>
    public abstract object? State { get; }
}
