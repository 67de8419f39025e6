using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Tests;

public sealed class UpstreamHealthTests
{
    private static readonly RoutingSettings Settings = new() { CooldownAllowedFails = 2, CooldownWindow = TimeSpan.FromSeconds(60), CooldownDuration = TimeSpan.FromSeconds(30) };

    private static ProviderException Status(int status, TimeSpan? retryAfter = null) =>
        new(ProviderFailureKind.Status, "upstream answered " + status, status) { RetryAfter = retryAfter };

    private static UpstreamLease Acquire(UpstreamHealth health, string upstream = "u")
    {
        Assert.True(health.TryAcquire(upstream, out var lease, out var refusal), refusal?.Detail);
        return lease;
    }

    [Fact]
    public void Failures_within_the_window_open_the_breaker_then_one_half_open_probe_decides()
    {
        var time = new ManualTime();
        var health = new UpstreamHealth(Settings, time);

        Assert.False(Acquire(health).Failed(Status(503)));
        Assert.True(Acquire(health).Failed(Status(503)));
        Assert.Equal("cooling_down", health.Check("u")!.Code);
        Assert.False(health.TryAcquire("u", out _, out var refusal));
        Assert.Equal("cooling_down", refusal.Code);
        Assert.Null(health.Check("other"));
        Assert.Contains("2 failures within 60 s", health.Check("u")!.Detail, StringComparison.Ordinal);
        Assert.Equal(BreakerState.Open, health.Breaker("u"));

        // After the cooldown: exactly one probe goes through; others wait for its outcome.
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(BreakerState.HalfOpen, health.Breaker("u"));
        var probe = Acquire(health);
        Assert.True(probe.IsProbe);
        Assert.False(health.TryAcquire("u", out _, out refusal));
        Assert.Equal("half_open", refusal.Code);

        // A failed probe opens it again for a whole cooldown (one failure suffices).
        Assert.True(probe.Failed(Status(502)));
        Assert.Equal("cooling_down", health.Check("u")!.Code);
        time.Advance(TimeSpan.FromSeconds(31));

        // A successful probe closes it: attempts flow again, and the failure count starts over.
        var second = Acquire(health);
        Assert.True(second.IsProbe);
        second.Succeeded();
        Assert.Null(health.Check("u"));
        Assert.Equal(BreakerState.Closed, health.Breaker("u"));
        Assert.False(Acquire(health).IsProbe);
        Assert.False(Acquire(health).Failed(Status(503)));
    }

    [Fact]
    public void Failures_spread_wider_than_the_window_never_open_the_breaker()
    {
        var time = new ManualTime();
        var health = new UpstreamHealth(Settings, time);

        // Two failures (AllowedFails) at a time, but each pair 61 s apart: never two within 60 s.
        for (int i = 0; i < 10; i++)
        {
            Assert.False(Acquire(health).Failed(Status(503)));
            time.Advance(TimeSpan.FromSeconds(61));
        }

        Assert.Null(health.Check("u"));
        Assert.Equal(BreakerState.Closed, health.Breaker("u"));

        // The window is inclusive and slides: a failure at 60 s after the last one opens it.
        time.Advance(TimeSpan.FromSeconds(-1));
        Assert.True(Acquire(health).Failed(Status(503)));
        Assert.Equal(BreakerState.Open, health.Breaker("u"));
    }

    [Fact]
    public void Successes_between_failures_do_not_clear_the_count()
    {
        var time = new ManualTime();
        var health = new UpstreamHealth(Settings with { CooldownAllowedFails = 3 }, time);

        // Every other request fails: a consecutive count would never reach 3, the window does.
        Assert.False(Acquire(health).Failed(Status(500)));
        Acquire(health).Succeeded();
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(Acquire(health).Failed(Status(500)));
        Acquire(health).Succeeded();
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(Acquire(health).Failed(Status(500)));
        Assert.Equal("cooling_down", health.Check("u")!.Code);
    }

    [Fact]
    public void The_failures_that_opened_the_breaker_do_not_count_again_after_a_successful_probe()
    {
        var time = new ManualTime();
        var health = new UpstreamHealth(Settings with { CooldownWindow = TimeSpan.FromMinutes(10) }, time);
        Acquire(health).Failed(Status(503));
        Assert.True(Acquire(health).Failed(Status(503)));
        time.Advance(TimeSpan.FromSeconds(31));
        Acquire(health).Succeeded(); // the probe

        // Still inside the 10-minute window of the two old failures: one new failure is one, not three.
        Assert.False(Acquire(health).Failed(Status(503)));
        Assert.Null(health.Check("u"));
        Assert.True(Acquire(health).Failed(Status(503)));
    }

    [Fact]
    public void An_upstream_never_called_is_closed()
    {
        var health = new UpstreamHealth(Settings, new ManualTime());
        Assert.Equal(BreakerState.Closed, health.Breaker("never"));
    }

    [Fact]
    public void A_probe_whose_client_went_away_frees_its_place_for_the_next_probe()
    {
        var time = new ManualTime();
        var health = new UpstreamHealth(Settings, time);
        Assert.True(Acquire(health).Failed(Status(401)));
        time.Advance(TimeSpan.FromSeconds(31));

        Acquire(health).Dispose();

        Assert.True(Acquire(health).IsProbe);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    public void Auth_and_not_found_open_the_breaker_on_the_first_failure(int status)
    {
        var health = new UpstreamHealth(Settings, new ManualTime());
        Assert.True(Acquire(health).Failed(Status(status)));
        Assert.Contains($"it answered {status}", health.Check("u")!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_after_closes_the_upstream_until_the_time_it_named()
    {
        var time = new ManualTime();
        var health = new UpstreamHealth(Settings with { CooldownAllowedFails = 10 }, time);
        Acquire(health).Failed(Status(429, TimeSpan.FromSeconds(5)));

        Assert.Equal("retry_after", health.Check("u")!.Code);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(5), health.AvailableAt("u"));
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(health.TryAcquire("u", out _, out _));
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Null(health.Check("u"));
    }

    [Fact]
    public void Max_concurrency_refuses_past_the_limit_and_frees_places_when_attempts_end()
    {
        var health = new UpstreamHealth(Settings, new ManualTime(), new Dictionary<string, int> { ["u"] = 2 });
        var a = Acquire(health);
        var b = Acquire(health);
        Assert.Equal(2, health.InFlight("u"));
        Assert.False(health.TryAcquire("u", out _, out var refusal));
        Assert.Equal("saturated", refusal.Code);

        a.Succeeded();
        a.Dispose(); // ending twice counts once
        Assert.Equal(1, health.InFlight("u"));
        Acquire(health).Dispose();
        b.Dispose();
        Assert.Equal(0, health.InFlight("u"));
    }
}
