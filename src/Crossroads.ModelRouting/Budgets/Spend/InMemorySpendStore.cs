namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>
/// Spend in this process only (lost on restart): for tests, benchmarks and deployments without budgets worth keeping.
/// One short lock makes a multi-line reservation atomic; a reservation is a handful of dictionary operations.
/// </summary>
public sealed class InMemorySpendStore : ISpendStore
{
    private readonly Dictionary<(string Account, string Period), Balance> _balances = [];
    private readonly Dictionary<string, Held> _reservations = new(StringComparer.Ordinal);
    // Expired reservations a late settle may still book (the SQL stores' model_router_expired_reservations).
    private readonly Dictionary<string, DateTimeOffset> _expired = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public string Provider => "memory";

    /// <inheritdoc />
    public Task<SpendReserveOutcome> TryReserveAsync(string reservationId, IReadOnlyList<SpendLine> lines, long amountNanos, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        lock (_gate)
        {
            for (int i = 0; i < lines.Count; i++)
            {
                var b = BalanceOf(lines[i]);
                if (b.Spent + b.Reserved + amountNanos > lines[i].LimitNanos)
                {
                    return Task.FromResult(new SpendReserveOutcome(i, lines[i].LimitNanos - b.Spent - b.Reserved));
                }
            }

            foreach (var line in lines)
            {
                BalanceOf(line).Reserved += amountNanos;
            }

            _reservations[reservationId] = new Held(lines, amountNanos, expiresAt);
            return Task.FromResult(SpendReserveOutcome.Reserved);
        }
    }

    /// <inheritdoc />
    public Task<bool> SettleAsync(string reservationId, IReadOnlyList<SpendLine> lines, long actualNanos, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        lock (_gate)
        {
            long held;
            if (_reservations.Remove(reservationId, out var r))
            {
                held = r.Amount;
            }
            else if (_expired.Remove(reservationId))
            {
                held = 0;
            }
            else
            {
                return Task.FromResult(false);
            }

            foreach (var line in lines)
            {
                var b = BalanceOf(line);
                b.Reserved -= held;
                b.Spent += actualNanos;
            }
        }

        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<int> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var expired = _reservations.Where(r => r.Value.ExpiresAt < now).ToList();
            foreach (var (id, held) in expired)
            {
                _reservations.Remove(id);
                _expired[id] = now;
                foreach (var line in held.Lines)
                {
                    BalanceOf(line).Reserved -= held.Amount;
                }
            }

            foreach (var (id, at) in _expired.Where(e => e.Value < now - SqlSpendStore.ExpiredRetention).ToList())
            {
                _expired.Remove(id);
            }

            return Task.FromResult(expired.Count);
        }
    }

    /// <inheritdoc />
    public Task<(long Spent, long Reserved)> ReadAsync(string account, string period, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_balances.TryGetValue((account, period), out var b) ? (b.Spent, b.Reserved) : (0L, 0L));
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Balance BalanceOf(SpendLine line)
    {
        if (!_balances.TryGetValue((line.Account, line.Period), out var b))
        {
            b = new Balance();
            _balances[(line.Account, line.Period)] = b;
        }

        return b;
    }

    private sealed class Balance
    {
        public long Spent { get; set; }

        public long Reserved { get; set; }
    }

    private sealed record Held(IReadOnlyList<SpendLine> Lines, long Amount, DateTimeOffset ExpiresAt);
}
