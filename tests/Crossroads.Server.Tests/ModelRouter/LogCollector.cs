using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>Keeps the full text of every log entry written after it was added (message, exception, scope values), to search for what must never be logged.</summary>
public sealed class LogCollector : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<string> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Collecting(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Collecting(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder().Append(category).Append(' ').Append(formatter(state, exception)).Append(' ').Append(exception);
            owner._scopes.ForEachScope(static (scope, into) => into.Append(" | ").Append(scope is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(",", pairs) : scope), text);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                text.Append(" | ").AppendJoin(",", values);
            }

            owner.Entries.Enqueue(text.ToString());
        }
    }
}
