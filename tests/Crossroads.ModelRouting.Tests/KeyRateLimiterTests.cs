using Crossroads.ModelRouting.Limits;

namespace Crossroads.ModelRouting.Tests;

public sealed class KeyRateLimiterTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Requests_per_minute_allow_a_minute_s_burst_then_refill_evenly()
    {
        var limiter = new KeyRateLimiter([new KeyLimit("k", 3, null)], _clock);
        for (int i = 0; i < 3; i++)
        {
            var ok = limiter.TryAdmit("k", 10);
            Assert.True(ok.Allowed);
            Assert.Equal(2 - i, ok.Requests!.Value.Remaining);
        }

        var refused = limiter.TryAdmit("k", 10);
        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(20), refused.RetryAfter); // one request every 20 s at 3 per minute
        Assert.Equal(TimeSpan.FromSeconds(60), refused.Requests!.Value.Reset);
        Assert.Null(refused.Tokens);

        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(limiter.TryAdmit("k", 10).Allowed);
        Assert.False(limiter.TryAdmit("k", 10).Allowed);
    }

    [Fact]
    public void Peek_shows_what_is_left_and_takes_nothing()
    {
        var limiter = new KeyRateLimiter([new KeyLimit("k", 3, 100)], _clock);
        Assert.True(limiter.TryAdmit("k", 40).Allowed);
        Assert.True(limiter.TryAdmit("k", 40).Allowed);

        for (int i = 0; i < 3; i++)
        {
            var state = limiter.Peek("k");
            Assert.Equal(1, state.Requests!.Value.Remaining);
            Assert.Equal(20, state.Tokens!.Value.Remaining);
        }

        Assert.True(limiter.TryAdmit("k", 20).Allowed); // the peeks took no request and no token
        Assert.Equal(0, limiter.Peek("k").Requests!.Value.Remaining);
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(1, limiter.Peek("k").Requests!.Value.Remaining); // refilled, as an admission would see it
        Assert.Equal(default, limiter.Peek("other"));
        Assert.Equal(default, limiter.Peek(null));
    }

    [Fact]
    public void Tokens_are_admitted_at_the_worst_case_and_settled_to_usage()
    {
        var limiter = new KeyRateLimiter([new KeyLimit("k", null, 1000)], _clock);
        var first = limiter.TryAdmit("k", 600);
        Assert.True(first.Allowed);
        var second = limiter.TryAdmit("k", 600);
        Assert.False(second.Allowed);
        Assert.Equal(400, second.Tokens!.Value.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(12), second.RetryAfter); // 200 tokens short at 1000/min

        KeyRateLimiter.Settle(first, 100); // it used 100 of the 600 held
        Assert.True(limiter.TryAdmit("k", 600).Allowed);
    }

    [Fact]
    public void A_request_larger_than_the_whole_minute_is_refused_as_too_large()
    {
        var limiter = new KeyRateLimiter([new KeyLimit("k", 10, 100)], _clock);
        var refused = limiter.TryAdmit("k", 101);
        Assert.False(refused.Allowed);
        Assert.True(refused.TooLarge);
        Assert.Equal(10, refused.Requests!.Value.Remaining); // a refused request takes nothing
    }

    [Fact]
    public void Keys_without_limits_are_unlimited()
    {
        var limiter = new KeyRateLimiter([new KeyLimit("k", 1, null), new KeyLimit("none", null, null)], _clock);
        Assert.Same(RateAdmission.Unlimited, limiter.TryAdmit("none", 1_000_000));
        Assert.Same(RateAdmission.Unlimited, limiter.TryAdmit("other", 1_000_000));
        Assert.Same(RateAdmission.Unlimited, limiter.TryAdmit(null, 1));
    }

    [Fact]
    public void Concurrent_admissions_never_exceed_the_limit()
    {
        var limiter = new KeyRateLimiter([new KeyLimit("k", 100, 10_000)], _clock);
        int admitted = 0;
        Parallel.For(0, 1000, _ =>
        {
            if (limiter.TryAdmit("k", 50).Allowed)
            {
                Interlocked.Increment(ref admitted);
            }
        });
        Assert.Equal(100, admitted);
    }
}
