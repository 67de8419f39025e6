using Crossroads.ModelRouting.Budgets;

namespace Crossroads.ModelRouting.Tests;

public sealed class BudgetLedgerTests
{
    [Fact]
    public void Fifty_concurrent_reservations_never_pass_the_limit()
    {
        var ledger = new BudgetLedger(new Dictionary<string, decimal> { ["t"] = 1.0m });
        using var start = new Barrier(50);
        var granted = new bool[50];
        // Dedicated threads (not the pool, which would inject 50 blocked workers slowly), released together.
        var threads = Enumerable.Range(0, 50).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            bool ok = ledger.TryReserve("t", 0.1m, out var reservation, out decimal _);
            if (ok)
            {
                Thread.Sleep(5);
                ledger.Settle(reservation, 0.07m);
            }

            granted[i] = ok;
        })).ToList();
        threads.ForEach(static t => t.Start());
        threads.ForEach(static t => t.Join());

        var snapshot = ledger.Snapshot("t");
        Assert.InRange(granted.Count(static g => g), 10, 14); // settled requests free 0.03 each for later ones
        Assert.True(snapshot.SpentUsd <= 1.0m, $"spent {snapshot.SpentUsd}");
        Assert.Equal(0m, snapshot.ReservedUsd);
    }

    [Fact]
    public void Held_reservations_count_against_the_limit_until_settled()
    {
        var ledger = new BudgetLedger(new Dictionary<string, decimal> { ["t"] = 1.0m });
        Assert.True(ledger.TryReserve("t", 0.6m, out var first, out _));
        Assert.False(ledger.TryReserve("t", 0.6m, out _, out var remaining));
        Assert.Equal(0.4m, remaining);
        ledger.Settle(first, 0.1m);
        Assert.True(ledger.TryReserve("t", 0.6m, out _, out _));
    }

    [Fact]
    public void Tenants_without_a_limit_are_never_refused()
    {
        var ledger = new BudgetLedger(new Dictionary<string, decimal>());
        Assert.True(ledger.TryReserve("free", 1_000_000m, out var r, out _));
        ledger.Settle(r, 5m);
        Assert.Equal(5m, ledger.Snapshot("free").SpentUsd);
    }
}
