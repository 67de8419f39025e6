using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Crossroads.Server.Tests.ServiceRoutes;

/// <summary>Idempotency-Key on writes and the long-polling change feed, on the embedded SQLite store over HTTP.</summary>
public sealed class IdempotencyAndFeedTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("crossroads-sr-");
    private ServiceRoutesServer _server = null!;

    public async Task InitializeAsync() => _server = await ServiceRoutesServer.StartSqliteAsync(_data.Path);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task A_replayed_key_returns_the_first_answer_and_writes_nothing_more()
    {
        var first = await Tm.UpsertAsync(_server.Writer, "acme", "billing", "prod", "v1", "http://b1", ("Idempotency-Key", "deploy-1"));
        Assert.Equal(201, first.Code);
        Assert.Null(first.Header("Idempotent-Replayed"));
        await Tm.UpsertAsync(_server.Writer, "acme", "billing", "prod", "v1", "http://b2");

        var replay = await Tm.UpsertAsync(_server.Writer, "acme", "billing", "prod", "v1", "http://b1", ("Idempotency-Key", "deploy-1"));
        Assert.Equal(201, replay.Code);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        Assert.Equal(first.Long("revision"), replay.Long("revision"));
        Assert.Equal("http://b1", replay.Str("url"));
        // The replay did not write b1 again: b2 stays, and the audit has two events.
        Assert.Equal("http://b2", (await Tm.ResolveAsync(_server.Client, "acme", "billing", "prod", "v1")).Str("url"));
        var audit = await Tm.GetAsync(_server.Client, "/api/v1/audit/route?tenant=acme&service=billing&env=prod&version=v1");
        Assert.Equal(2, audit.Json.GetProperty("count").GetInt32());

        var other = await Tm.UpsertAsync(_server.Writer, "acme", "billing", "prod", "v1", "http://b3", ("Idempotency-Key", "deploy-1"));
        Tm.AssertError(other, 422, "Idempotency key reused");
        Assert.Equal("http://b2", (await Tm.ResolveAsync(_server.Client, "acme", "billing", "prod", "v1")).Str("url"));
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_make_one_change()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Tm.UpsertAsync(_server.Writer, "acme", "once", "prod", "v1", "http://once", ("Idempotency-Key", "same"))));
        Assert.All(answers, static a => Assert.Equal(201, a.Code));
        Assert.Single(answers.Select(static a => a.Long("revision")).Distinct());
        var audit = await Tm.GetAsync(_server.Client, "/api/v1/audit/route?tenant=acme&service=once&env=prod&version=v1");
        Assert.Equal(1, audit.Json.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task The_feed_returns_events_after_since_in_order_and_pages()
    {
        for (int i = 0; i < 5; i++)
        {
            await Tm.UpsertAsync(_server.Writer, "acme", $"s{i}", "prod", "v1", $"http://s{i}");
        }

        var page = await Tm.GetAsync(_server.Client, "/api/v1/events?since=1&limit=3");
        Assert.Equal(200, page.Code);
        var events = page.Json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal([2L, 3, 4], events.Select(static e => e.GetProperty("revision").GetInt64()));
        Assert.Equal("route_changed", events[0].GetProperty("event_type").GetString());
        Assert.Equal("s1", events[0].GetProperty("service").GetString());
        Assert.Equal(4, page.Long("next_since"));
        Assert.Equal(5, page.Long("revision"));

        var rest = await Tm.GetAsync(_server.Client, "/api/v1/events?since=4");
        Assert.Equal([5L], rest.Json.GetProperty("events").EnumerateArray().Select(static e => e.GetProperty("revision").GetInt64()));
    }

    [Fact]
    public async Task A_long_poll_returns_when_a_change_commits_and_after_wait_without_one()
    {
        var clock = Stopwatch.StartNew();
        var empty = await Tm.GetAsync(_server.Client, "/api/v1/events?since=0&wait=1");
        Assert.Equal(200, empty.Code);
        Assert.Equal(0, empty.Json.GetProperty("count").GetInt32());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"answered after {clock.Elapsed}");

        var polling = Tm.GetAsync(_server.Client, "/api/v1/events?since=0&wait=30");
        await Task.Delay(300);
        Assert.False(polling.IsCompleted);
        clock.Restart();
        await Tm.UpsertAsync(_server.Writer, "acme", "billing", "prod", "v1", "http://b1");
        var woken = await polling;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the long poll took {clock.Elapsed} after the write");
        Assert.Equal(1, woken.Json.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Bad_feed_parameters_are_400_and_purged_history_is_410()
    {
        Tm.AssertError(await Tm.GetAsync(_server.Client, "/api/v1/events?since=-1"), 400, "Invalid since");
        Tm.AssertError(await Tm.GetAsync(_server.Client, "/api/v1/events?since=99"), 400, "Invalid since");
        Tm.AssertError(await Tm.GetAsync(_server.Client, "/api/v1/events?wait=100000"), 400, "Invalid wait");
        Tm.AssertError(await Tm.GetAsync(_server.Client, "/api/v1/events?limit=0"), 400, "Invalid limit");

        for (int i = 0; i < 4; i++)
        {
            await Tm.UpsertAsync(_server.Writer, "acme", $"s{i}", "prod", "v1", $"http://s{i}");
        }

        // What retention does to delivered messages: the oldest two are gone.
        using (var db = new SqliteConnection($"Data Source={Path.Combine(_data.Path, "crossroads.db")};Pooling=False"))
        {
            db.Open();
            using var delete = db.CreateCommand();
            delete.CommandText = "DELETE FROM outbox WHERE revision <= 2";
            Assert.Equal(2, delete.ExecuteNonQuery());
        }

        var gone = await Tm.GetAsync(_server.Client, "/api/v1/events?since=0");
        Tm.AssertError(gone, 410, "History gone");
        Assert.Equal(3, gone.Long("oldest_retained_revision"));
        var kept = await Tm.GetAsync(_server.Client, "/api/v1/events?since=2");
        Assert.Equal(2, kept.Json.GetProperty("count").GetInt32());
    }
}
