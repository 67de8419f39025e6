using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Correlation;

/// <summary>
/// The logger factory's scope provider: the chain of open scopes, outermost first, as
/// <see cref="LoggerExternalScopeProvider"/> keeps it, except that a request's <see cref="RequestLogScope"/> enters the
/// chain with one write and leaves it without one. Registered as the <see cref="IExternalScopeProvider"/> the
/// <see cref="LoggerFactory"/> hands to every provider that supports external scopes (the JSON and simple consoles,
/// test captures), so they all see the request's ids, in the same place among other scopes as before (after Kestrel's
/// connection scope, before scopes opened during the request).
/// <para>
/// Why not <c>BeginScope</c> for the request: it allocates a scope object and writes the async-local twice (open and
/// close), and every write copies the <see cref="ExecutionContext"/>: ~250 bytes and five objects per request, a
/// quarter of a lookup's allocations. <see cref="FrontMiddleware"/> instead calls <see cref="Enter"/> once, inside its
/// asynchronous method; returning from that method restores the caller's context, which closes the scope without a
/// second write, and the request scope is itself the chain's node.
/// </para>
/// <para>
/// With a provider of its own, the factory no longer applies <see cref="LoggerFactoryOptions.ActivityTrackingOptions"/>;
/// the chassis sets them to <see cref="ActivityTrackingOptions.None"/> anyway (the request scope carries the trace ids).
/// </para>
/// </summary>
internal sealed class RequestScopeProvider : IExternalScopeProvider
{
    private static readonly AsyncLocal<LogScopeNode?> CurrentScope = new();

    /// <summary>Makes it the scope provider of the logger factory <paramref name="logging"/> builds.</summary>
    public static void Register(ILoggingBuilder logging) => logging.Services.AddSingleton<IExternalScopeProvider, RequestScopeProvider>();

    /// <summary>
    /// Opens <paramref name="request"/> as the innermost scope of the current asynchronous flow. Call it only from the
    /// asynchronous method whose return ends the request: that return is what closes it.
    /// </summary>
    public static void Enter(RequestLogScope request)
    {
        request.Open(CurrentScope.Value);
        CurrentScope.Value = request;
    }

    public void ForEachScope<TState>(Action<object?, TState> callback, TState state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Report(CurrentScope.Value, callback, state);

        // Outermost first, as LoggerExternalScopeProvider reports them.
        static void Report(LogScopeNode? node, Action<object?, TState> callback, TState state)
        {
            if (node is null)
            {
                return;
            }

            Report(node.Parent, callback, state);
            callback(node.State, state);
        }
    }

    public IDisposable Push(object? state)
    {
        var scope = new Scope(state, CurrentScope.Value);
        CurrentScope.Value = scope;
        return scope;
    }

    /// <summary>A <c>BeginScope</c> scope: disposing it makes its parent current again, as LoggerExternalScopeProvider's does.</summary>
    private sealed class Scope : LogScopeNode, IDisposable
    {
        private readonly object? _state;
        private bool _disposed;

        public Scope(object? state, LogScopeNode? parent)
        {
            _state = state;
            Parent = parent;
        }

        public override object? State => _state;

        public override string? ToString() => _state?.ToString();

        public void Dispose()
        {
            if (!_disposed)
            {
                CurrentScope.Value = Parent;
                _disposed = true;
            }
        }
    }
}
