using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Routing;

namespace Crossroads.ModelRouting.Tests;

public sealed class UpstreamHealthTests
{
    private static readonly RoutingSettings Settings = new() { CooldownAllowedFails = 2, CooldownDuration = TimeSpan.FromSeconds(30) };

    private static ProviderException Status(int status, TimeSpan? retryAfter = null) =>
        new(ProviderFailureKind.Status, "upstream answered " + status, status) { RetryAfter = retryAfter };

    private static UpstreamLease Acquire(UpstreamHealth health, string upstream = "u")
    {
        Assert.True(health.TryAcquire(upstream, out var lease, out var refusal), refusal?.Detail);
        return lease;
    }

    [Fact]
    public void Consecutive_failures_open_the_breaker_then_one_half_open_probe_decides()
    {
        var time = new ManualTime();
        var health = new UpstreamHealth(Settings, time);

        Assert.False(Acquire(health).Failed(Status(503)));
        Assert.True(Acquire(health).Failed(Status(503)));
        Assert.Equal("cooling_down", health.Check("u")!.Code);
        Assert.False(health.TryAcquire("u", out _, out var refusal));
        Assert.Equal("cooling_down", refusal.Code);
        Assert.Null(health.Check("other"));

        // After the cooldown: exactly one probe goes through; others wait for its outcome.
        time.Advance(TimeSpan.FromSeconds(31));
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
        Assert.False(Acquire(health).IsProbe);
        Assert.False(Acquire(health).Failed(Status(503)));
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
