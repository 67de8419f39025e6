using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Correlation;

/// <summary>
/// The logger factory's scope provider: the current request's <see cref="RequestLogScope"/> first, then the scopes
/// opened with <c>BeginScope</c> (kept by an ordinary <see cref="LoggerExternalScopeProvider"/>). Registered as the
/// <see cref="IExternalScopeProvider"/> the <see cref="LoggerFactory"/> hands to every provider that supports external
/// scopes (the JSON and simple consoles, test captures), so they all see the request's ids.
/// <para>
/// Why not <c>BeginScope</c>: it pushes a scope object and writes its async-local twice (open and close), and every
/// write copies the <see cref="ExecutionContext"/>: ~250 bytes and three objects per request, a quarter of a lookup's
/// allocations. <see cref="FrontMiddleware"/> instead writes <see cref="Current"/> once, inside its asynchronous
/// method; returning from that method restores the caller's context, which closes the scope without a second write.
/// </para>
/// <para>
/// With a provider of its own, the factory no longer applies <see cref="LoggerFactoryOptions.ActivityTrackingOptions"/>;
/// the chassis sets them to <see cref="ActivityTrackingOptions.None"/> anyway (the request scope carries the trace ids).
/// </para>
/// </summary>
internal sealed class RequestScopeProvider : IExternalScopeProvider
{
    private static readonly AsyncLocal<RequestLogScope?> RequestScope = new();
    private readonly LoggerExternalScopeProvider _scopes = new();

    /// <summary>The request scope of the current asynchronous flow; set only by a method whose return ends the request.</summary>
    public static RequestLogScope? Current
    {
        get => RequestScope.Value;
        set => RequestScope.Value = value;
    }

    /// <summary>Makes it the scope provider of the logger factory <paramref name="logging"/> builds.</summary>
    public static void Register(ILoggingBuilder logging) => logging.Services.AddSingleton<IExternalScopeProvider, RequestScopeProvider>();

    public void ForEachScope<TState>(Action<object?, TState> callback, TState state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (RequestScope.Value is { } request)
        {
            callback(request, state);
        }

        _scopes.ForEachScope(callback, state);
    }

    public IDisposable Push(object? state) => _scopes.Push(state);
}
