using System.ComponentModel;

namespace Crossroads.Hosting;

/// <summary>How Kestrel's sockets hand work to the application; section <c>Transport</c>.</summary>
public sealed class TransportOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Transport";

    /// <summary>
    /// Runs request handlers and socket continuations (Kestrel's and outgoing HttpClient calls') on the socket threads
    /// instead of handing each completed read to the thread pool. A proxied request (the model router) then wakes
    /// ~3 threads instead of ~10–13, which is what its tail at one request at a time is made of on a busy machine; the
    /// price is that a handler that blocks or computes for long (a SQLite write, a large CSV upload) delays the other
    /// connections served by the same socket thread, so it is off by default.
    /// </summary>
    [Description("Run handlers on the socket threads, not the thread pool: fewer thread wake-ups per request (lower model-router tail); a slow handler delays other connections of its socket thread.")]
    public bool InlineScheduling { get; set; }
}
