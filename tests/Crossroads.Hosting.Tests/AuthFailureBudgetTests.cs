using System.Net;
using Crossroads.Hosting.Auth;
using Crossroads.Hosting.RateLimiting;
using Crossroads.Hosting.Tests.Infrastructure;

namespace Crossroads.Hosting.Tests;

/// <summary>The failure budget and warning throttle on virtual time; the HTTP behaviour is in <see cref="AuthFailureTests"/>.</summary>
public sealed class AuthFailureBudgetTests
{
    private static AuthFailureBudget Create(ManualTimeProvider time, double permitsPerSecond = 0.5, int burst = 2, bool enabled = true, int capacity = 100) =>
        new(enabled, new TokenBucketSettings { PermitsPerSecond = permitsPerSecond, Burst = burst }, time, capacity);

    [Fact]
    public void A_client_is_refused_after_its_burst_and_admitted_again_once_one_failure_has_refilled()
    {
        var time = new ManualTimeProvider();
        var budget = Create(time);
        Assert.True(budget.TryAdmit("a", out _));
        budget.RecordWrongKey("a", out _);
        Assert.True(budget.TryAdmit("a", out _));
        budget.RecordWrongKey("a", out _);

        Assert.False(budget.TryAdmit("a", out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
        Assert.True(budget.TryAdmit("b", out _));

        time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.False(budget.TryAdmit("a", out retryAfter));
        Assert.Equal(0.5, retryAfter.TotalSeconds, 9);

        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True(budget.TryAdmit("a", out _));
    }

    [Fact]
    public void Admitting_spends_nothing()
    {
        var budget = Create(new ManualTimeProvider(), burst: 1);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(budget.TryAdmit("a", out _));
        }

        budget.RecordWrongKey("a", out _);
        Assert.False(budget.TryAdmit("a", out _));
    }

    [Fact]
    public void One_warning_per_client_per_interval_and_the_next_one_counts_the_suppressed()
    {
        var time = new ManualTimeProvider();
        var budget = Create(time, permitsPerSecond: 100, burst: 1000);
        Assert.True(budget.RecordWrongKey("a", out var suppressed));
        Assert.Equal(0, suppressed);
        for (var i = 1; i <= 4; i++)
        {
            Assert.False(budget.RecordWrongKey("a", out suppressed));
            Assert.Equal(i, suppressed);
        }

        Assert.True(budget.RecordWrongKey("b", out _));

        time.Advance(AuthFailureBudget.WarningInterval - TimeSpan.FromMilliseconds(1));
        Assert.False(budget.RecordWrongKey("a", out _));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(budget.RecordWrongKey("a", out suppressed));
        Assert.Equal(5, suppressed);
    }

    [Fact]
    public void Disabled_budget_admits_everyone_but_still_throttles_warnings()
    {
        var budget = Create(new ManualTimeProvider(), burst: 1, enabled: false);
        Assert.True(budget.RecordWrongKey("a", out _));
        for (var i = 0; i < 10; i++)
        {
            Assert.False(budget.RecordWrongKey("a", out _));
            Assert.True(budget.TryAdmit("a", out _));
        }
    }

    [Fact]
    public void Tracked_clients_stay_within_capacity_and_quiet_ones_are_swept()
    {
        var time = new ManualTimeProvider();
        var budget = Create(time, permitsPerSecond: 1, burst: 3, capacity: 4);
        for (var i = 0; i < 10; i++)
        {
            // Clients beyond capacity are refused (403) but untracked: no budget, no warning.
            var warned = budget.RecordWrongKey("c" + i, out _);
            Assert.Equal(i < 4, warned);
            Assert.True(budget.TrackedClients <= 4);
        }

        Assert.True(budget.TryAdmit("c9", out _));

        // Past the warning window every bucket has refilled: the next new client sweeps them all.
        time.Advance(AuthFailureBudget.WarningInterval);
        Assert.True(budget.RecordWrongKey("fresh", out _));
        Assert.Equal(1, budget.TrackedClients);
    }

    [Fact]
    public void A_client_that_is_still_throttled_is_not_swept()
    {
        var time = new ManualTimeProvider();
        var budget = Create(time, permitsPerSecond: 0.001, burst: 1, capacity: 2);
        budget.RecordWrongKey("a", out _);
        budget.RecordWrongKey("b", out _);
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.False(budget.RecordWrongKey("c", out _));
        Assert.False(budget.TryAdmit("a", out _));
        Assert.Equal(2, budget.TrackedClients);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:eeee:dddd:cccc", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("fe80::1%3", "fe80::/64")]
    [InlineData("::1", "::/64")]
    public void Client_keys_group_IPv6_by_64_and_keep_IPv4_whole(string address, string expected) =>
        Assert.Equal(expected, ClientKey.For(IPAddress.Parse(address)));

    [Fact]
    public void A_missing_address_is_one_shared_client() =>
        Assert.Equal(ClientKey.Unknown, ClientKey.For(null));
}
