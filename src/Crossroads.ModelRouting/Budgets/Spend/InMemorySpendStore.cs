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
    private readonly Dictionary<string, LeaseRow> _leases = new(StringComparer.Ordinal);
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

            int leases = 0;
            foreach (var (id, lease) in _leases.ToList())
            {
                if (lease.Amount > 0 && lease.ExpiresAt < now)
                {
                    BalanceOf(lease.Line).Reserved -= lease.Amount;
                    _leases[id] = lease with { Amount = 0 };
                    leases++;
                }
                else if (lease.Amount == 0 && lease.ExpiresAt < now - SqlSpendStore.ExpiredRetention)
                {
                    _leases.Remove(id);
                }
            }

            return Task.FromResult(expired.Count + leases);
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
    public Task<LeaseGrant> RenewLeaseAsync(LeaseRenewal renewal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(renewal);
        lock (_gate)
        {
            var b = BalanceOf(renewal.Line);
            bool known = _leases.TryGetValue(renewal.LeaseId, out var row);
            if (known && row!.Generation == renewal.Generation + 1)
            {
                return Task.FromResult(new LeaseGrant(row.Amount, row.Generation, Free(renewal.Line, b)));
            }

            if (known && row!.Generation != renewal.Generation)
            {
                throw new InvalidOperationException($"lease {renewal.LeaseId} is at generation {row.Generation}, the renewal at {renewal.Generation}");
            }

            long held = known ? row!.Amount : 0;
            // A lease the store forgot (released and past retention) may have been booked before: book nothing again.
            if (known || renewal.Generation == 0)
            {
                b.Spent += renewal.BookNanos;
            }

            long grant = renewal.Grant(renewal.Line.LimitNanos - b.Spent - (b.Reserved - held), held);
            b.Reserved += grant - held;
            _leases[renewal.LeaseId] = new LeaseRow(renewal.Line, grant, renewal.Generation + 1, renewal.ExpiresAt);
            return Task.FromResult(new LeaseGrant(grant, renewal.Generation + 1, Free(renewal.Line, b)));
        }
    }

    /// <inheritdoc />
    public Task<LeaseBalance> ReadLeaseAsync(string account, string period, string leaseId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var (spent, reserved) = _balances.TryGetValue((account, period), out var b) ? (b.Spent, b.Reserved) : (0L, 0L);
            return Task.FromResult(_leases.TryGetValue(leaseId, out var row)
                ? new LeaseBalance(spent, reserved, row.Amount, row.Generation)
                : new LeaseBalance(spent, reserved, 0, 0));
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static long Free(SpendLine line, Balance b) => Math.Max(0, line.LimitNanos - b.Spent - b.Reserved);

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

    private sealed record LeaseRow(SpendLine Line, long Amount, long Generation, DateTimeOffset ExpiresAt);

    private sealed record Held(IReadOnlyList<SpendLine> Lines, long Amount, DateTimeOffset ExpiresAt);
}
