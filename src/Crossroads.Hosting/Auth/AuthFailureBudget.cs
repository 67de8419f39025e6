using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Auth;

/// <summary>
/// Per-client state for failed API-key attempts: a token bucket (<c>RateLimits:AuthFailures</c>) that stops key
/// guessing, and the time of the client's last Warning line, so failures flood neither the key check nor the log.
/// <para>
/// Only failures create entries, so clients with valid keys cost one dictionary lookup. The map is bounded: entries
/// whose bucket has refilled and whose warning window has passed are swept (at least once a minute when clients are
/// added, and at most once a second when it is full); a client that arrives while it is full of live entries is not
/// tracked: its failure is still refused with 403, logged at Debug and counted, but does not spend a budget.
/// </para>
/// </summary>
internal sealed class AuthFailureBudget
{
    /// <summary>At most this many clients are tracked; about 100 bytes each.</summary>
    public const int DefaultCapacity = 10_000;

    /// <summary>A client's wrong-key failures are logged at Warning at most once per interval; the rest at Debug.</summary>
    public static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan SweepWhenFullInterval = TimeSpan.FromSeconds(1);

    private readonly bool _enabled;
    private readonly double _permitsPerSecond;
    private readonly double _burst;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, ClientState> _clients = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _lastSweep;

    public AuthFailureBudget(IOptions<RateLimitOptions> options, TimeProvider time)
        : this(options.Value.Enabled, options.Value.AuthFailures, time, DefaultCapacity)
    {
    }

    internal AuthFailureBudget(bool enabled, TokenBucketSettings settings, TimeProvider time, int capacity)
    {
        _enabled = enabled;
        _permitsPerSecond = settings.PermitsPerSecond;
        _burst = settings.Burst;
        _capacity = capacity;
        _time = time;
        _lastSweep = time.GetTimestamp();
    }

    /// <summary>False when <c>RateLimits:Enabled</c> is false: nothing is refused, warnings are still throttled.</summary>
    public bool IsEnabled => _enabled;

    public double PermitsPerSecond => _permitsPerSecond;

    public int Burst => (int)_burst;

    /// <summary>How many clients are tracked now (for tests of the bound).</summary>
    internal int TrackedClients
    {
        get
        {
            lock (_lock)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>
    /// Whether the client may have a presented key checked: false, with the wait until one more failure is allowed,
    /// when fewer than one failure is left. Spends nothing.
    /// </summary>
    public bool TryAdmit(string client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_enabled)
        {
            return true;
        }

        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (!_clients.TryGetValue(client, out var state))
            {
                return true;
            }

            var tokens = Refill(state, now);
            if (tokens >= 1)
            {
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - tokens) / _permitsPerSecond);
            return false;
        }
    }

    /// <summary>
    /// Spends one failure from the client's budget and says whether this failure is the client's Warning line for the
    /// current interval; <paramref name="suppressed"/> is how many of its failures went to Debug since the last one.
    /// </summary>
    public bool RecordWrongKey(string client, out int suppressed)
    {
        suppressed = 0;
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (!_clients.TryGetValue(client, out var state))
            {
                if (!TryMakeRoom(now))
                {
                    return false;
                }

                state = new ClientState { Tokens = _burst, Updated = now };
                _clients.Add(client, state);
            }

            if (_enabled)
            {
                state.Tokens = Math.Max(0, Refill(state, now) - 1);
            }

            if (state.HasWarned && _time.GetElapsedTime(state.LastWarning, now) < WarningInterval)
            {
                suppressed = ++state.Suppressed;
                return false;
            }

            suppressed = state.Suppressed;
            state.HasWarned = true;
            state.LastWarning = now;
            state.Suppressed = 0;
            return true;
        }
    }

    private double Refill(ClientState state, long now)
    {
        state.Tokens = TokensAt(state, now);
        state.Updated = now;
        return state.Tokens;
    }

    private double TokensAt(ClientState state, long now) =>
        Math.Min(_burst, state.Tokens + (_time.GetElapsedTime(state.Updated, now).TotalSeconds * _permitsPerSecond));

    /// <summary>Sweeps when due; false when the map is still full of clients that are throttled or inside their warning window.</summary>
    private bool TryMakeRoom(long now)
    {
        var sinceSweep = _time.GetElapsedTime(_lastSweep, now);
        var full = _clients.Count >= _capacity;
        if (sinceSweep >= WarningInterval || (full && sinceSweep >= SweepWhenFullInterval))
        {
            _lastSweep = now;
            foreach (var (client, state) in _clients)
            {
                var refilled = !_enabled || TokensAt(state, now) >= _burst;
                var quiet = !state.HasWarned || _time.GetElapsedTime(state.LastWarning, now) >= WarningInterval;
                if (refilled && quiet)
                {
                    _clients.Remove(client); // allowed while enumerating a Dictionary
                }
            }
        }

        return _clients.Count < _capacity;
    }

    private sealed class ClientState
    {
        public double Tokens;
        public long Updated;
        public bool HasWarned;
        public long LastWarning;
        public int Suppressed;
    }
}
