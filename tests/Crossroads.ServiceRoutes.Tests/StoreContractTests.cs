using System.Collections.Concurrent;
using System.Text.Json;

namespace Crossroads.ServiceRoutes.Tests;

/// <summary>
/// The behaviour both stores must share, run once per provider (<see cref="SqliteStoreTests"/>,
/// <see cref="PostgresStoreTests"/>). Every test gets a fresh database and a clock it sets.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    protected static readonly RouteKey Key = new("acme", "billing", "prod", "v1");
    protected static readonly DateTimeOffset Start = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);
    protected const string Url1 = "http://billing-v1.acme.internal:8080/api";
    protected const string Url2 = "https://billing-v1-blue.acme.internal:8443/api?x=1&y=2";

    /// <summary>The stores' order: field by field, ordinal (not the joined "t/s/e/v" string: "acme" sorts before "acme-eu").</summary>
    protected static readonly Comparer<RouteKey> KeyOrder = Comparer<RouteKey>.Create(static (x, y) =>
    {
        int c = string.CompareOrdinal(x.Tenant, y.Tenant);
        c = c != 0 ? c : string.CompareOrdinal(x.Service, y.Service);
        c = c != 0 ? c : string.CompareOrdinal(x.Env, y.Env);
        return c != 0 ? c : string.CompareOrdinal(x.Version, y.Version);
    });

    private readonly List<IServiceRouteStore> _opened = [];
    private ServiceRouteStoreOptions? _options;

    protected ManualClock Clock { get; } = new(Start);

    protected IServiceRouteStore Store { get; private set; } = null!;

    protected ServiceRouteStoreOptions Options => _options!;

    public async Task InitializeAsync()
    {
        _options = await CreateOptionsAsync();
        Store = await OpenAnotherAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        await CleanupAsync();
    }

    /// <summary>Options for a fresh, empty database, using <see cref="Clock"/>.</summary>
    protected abstract Task<ServiceRouteStoreOptions> CreateOptionsAsync();

    protected virtual Task CleanupAsync() => Task.CompletedTask;

    /// <summary>Makes every later outbox insert whose payload contains "boom" fail inside the database.</summary>
    protected abstract Task InstallFailingOutboxTriggerAsync();

    /// <summary>Another store on the same database (a second replica, or the same node after a restart).</summary>
    protected async Task<IServiceRouteStore> OpenAnotherAsync(int? maxWriteBatch = null)
    {
        var options = maxWriteBatch is { } batch
            ? new ServiceRouteStoreOptions { ConnectionString = Options.ConnectionString, DataDirectory = Options.DataDirectory, TimeProvider = Clock, MaxWriteBatch = batch }
            : Options;
        var store = await ServiceRouteStore.OpenAsync(options);
        _opened.Add(store);
        return store;
    }

    [Fact]
    public async Task Upsert_of_a_new_route_creates_it_with_audit_and_outbox_in_one_revision()
    {
        var result = await Store.UpsertAsync(Key, Url1, "alice", "corr-1");

        Assert.Equal(RouteWriteStatus.Created, result.Status);
        Assert.True(result.Changed);
        var expectedRoute = new ServiceRoute(Key, Url1, RouteState.Active, 1, Start, Start);
        Assert.Equal(expectedRoute, result.Route);
        Assert.Equal(expectedRoute, await Store.GetAsync(Key));
        Assert.Equal(1, await Store.CurrentRevisionAsync());

        var audit = Assert.Single(await Store.AuditForRouteAsync(Key, 10));
        Assert.Equal(result.Event, audit);
        Assert.Equal(Key, audit.Key);
        Assert.Equal(AuditActions.Created, audit.Action);
        Assert.Equal(Url1, audit.Url);
        Assert.Equal(RouteState.Active, audit.State);
        Assert.Null(audit.PreviousUrl);
        Assert.Null(audit.PreviousState);
        Assert.Equal("alice", audit.ChangedBy);
        Assert.Equal("corr-1", audit.CorrelationId);
        Assert.Equal(1, audit.Revision);
        Assert.Equal(Start, audit.OccurredAt);
        Assert.Equal(TimeSpan.Zero, audit.OccurredAt.Offset);
        Assert.Equal(7, audit.EventId.Version);

        var message = Assert.Single(await Store.ClaimUndeliveredAsync(10));
        Assert.Equal(audit.EventId, message.EventId);
        Assert.Equal(1, message.Revision);
        Assert.Equal(Start, message.OccurredAt);
        Assert.Equal(1, message.Attempts);
        using var payload = JsonDocument.Parse(message.Payload);
        var root = payload.RootElement;
        Assert.Equal(
            ["event_id", "event_type", "action", "tenant", "service", "env", "version", "url", "occurred_at", "correlation_id", "revision", "previous_url", "changed_by"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(audit.EventId, root.GetProperty("event_id").GetGuid());
        Assert.Equal("route_changed", root.GetProperty("event_type").GetString());
        Assert.Equal("created", root.GetProperty("action").GetString());
        Assert.Equal("acme", root.GetProperty("tenant").GetString());
        Assert.Equal("billing", root.GetProperty("service").GetString());
        Assert.Equal("prod", root.GetProperty("env").GetString());
        Assert.Equal("v1", root.GetProperty("version").GetString());
        Assert.Equal(Url1, root.GetProperty("url").GetString());
        Assert.Equal("2025-01-15T10:00:00.000000Z", root.GetProperty("occurred_at").GetString());
        Assert.Equal("corr-1", root.GetProperty("correlation_id").GetString());
        Assert.Equal(1, root.GetProperty("revision").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("previous_url").ValueKind);
        Assert.Equal("alice", root.GetProperty("changed_by").GetString());
    }

    [Fact]
    public async Task Upsert_with_a_new_url_is_updated_with_the_previous_url_and_state()
    {
        await Store.UpsertAsync(Key, Url1, "alice", "corr-1");
        Clock.Advance(TimeSpan.FromMinutes(1));

        var result = await Store.UpsertAsync(Key, Url2, "bob", null);

        Assert.Equal(RouteWriteStatus.Updated, result.Status);
        Assert.Equal(new ServiceRoute(Key, Url2, RouteState.Active, 2, Start, Start.AddMinutes(1)), result.Route);
        var audit = result.Event!;
        Assert.Equal((AuditActions.Updated, Url2, RouteState.Active, Url1, (RouteState?)RouteState.Active, "bob", (string?)null, 2L),
            (audit.Action, audit.Url, audit.State, audit.PreviousUrl, audit.PreviousState, audit.ChangedBy, audit.CorrelationId, audit.Revision));
        Assert.Equal([2L, 1L], (await Store.AuditForRouteAsync(Key, 10)).Select(e => e.Revision));

        var messages = await Store.ClaimUndeliveredAsync(10);
        Assert.Equal([1L, 2L], messages.Select(m => m.Revision));
        using var payload = JsonDocument.Parse(messages[1].Payload);
        Assert.Equal(Url1, payload.RootElement.GetProperty("previous_url").GetString());
        Assert.Equal(Url2, payload.RootElement.GetProperty("url").GetString());
        Assert.Equal("updated", payload.RootElement.GetProperty("action").GetString());
        Assert.Equal(JsonValueKind.Null, payload.RootElement.GetProperty("correlation_id").ValueKind);
    }

    [Fact]
    public async Task Reposting_the_url_of_an_active_route_writes_nothing()
    {
        var created = await Store.UpsertAsync(Key, Url1, "alice", null);

        var again = await Store.UpsertAsync(Key, Url1, "bob", "retry");

        Assert.Equal(RouteWriteStatus.Unchanged, again.Status);
        Assert.False(again.Changed);
        Assert.Null(again.Event);
        Assert.Equal(created.Route, again.Route);
        Assert.Equal(1, await Store.CurrentRevisionAsync());
        Assert.Single(await Store.AuditForRouteAsync(Key, 10));
        Assert.Single(await Store.ClaimUndeliveredAsync(10));
    }

    [Fact]
    public async Task Upsert_of_an_inactive_route_with_the_same_url_reactivates_it_as_updated()
    {
        await Store.UpsertAsync(Key, Url1, "alice", null);
        await Store.DeactivateAsync(Key, "alice", null);

        var result = await Store.UpsertAsync(Key, Url1, "carol", "c-3");

        Assert.Equal(RouteWriteStatus.Updated, result.Status);
        Assert.Equal(RouteState.Active, result.Route!.State);
        Assert.Equal(3, result.Route.Revision);
        Assert.Equal((AuditActions.Updated, Url1, (RouteState?)RouteState.Inactive), (result.Event!.Action, result.Event.PreviousUrl, result.Event.PreviousState));
    }

    [Fact]
    public async Task Deactivate_and_activate_toggle_the_state_and_repeat_as_no_ops()
    {
        await Store.UpsertAsync(Key, Url1, "alice", null);

        var deactivated = await Store.DeactivateAsync(Key, "ops", "d-1");
        var deactivatedAgain = await Store.DeactivateAsync(Key, "ops", "d-2");
        var inactive = await Store.GetAsync(Key);
        var activated = await Store.ActivateAsync(Key, "ops", "a-1");
        var activatedAgain = await Store.ActivateAsync(Key, "ops", "a-2");

        Assert.Equal(RouteWriteStatus.Deactivated, deactivated.Status);
        Assert.Equal((AuditActions.Deactivated, Url1, RouteState.Inactive, Url1, (RouteState?)RouteState.Active, 2L),
            (deactivated.Event!.Action, deactivated.Event.Url, deactivated.Event.State, deactivated.Event.PreviousUrl, deactivated.Event.PreviousState, deactivated.Event.Revision));
        Assert.Equal(RouteWriteStatus.Unchanged, deactivatedAgain.Status);
        Assert.Equal(2, deactivatedAgain.Route!.Revision);
        Assert.Equal(new ServiceRoute(Key, Url1, RouteState.Inactive, 2, Start, Start), inactive);
        Assert.Equal(RouteWriteStatus.Activated, activated.Status);
        Assert.Equal((AuditActions.Activated, RouteState.Active, (RouteState?)RouteState.Inactive, 3L),
            (activated.Event!.Action, activated.Event.State, activated.Event.PreviousState, activated.Event.Revision));
        Assert.Equal(RouteWriteStatus.Unchanged, activatedAgain.Status);
        Assert.Equal(3, await Store.CurrentRevisionAsync());
        Assert.Equal(["activated", "deactivated", "created"], (await Store.AuditForRouteAsync(Key, 10)).Select(e => e.Action));
        Assert.Equal(["a-1", "d-1", null], (await Store.AuditForRouteAsync(Key, 10)).Select(e => e.CorrelationId));
    }

    [Fact]
    public async Task Activate_or_deactivate_of_an_unknown_route_is_not_found_and_writes_nothing()
    {
        await Store.UpsertAsync(Key with { Version = "v0" }, Url1, "alice", null);

        var activate = await Store.ActivateAsync(Key, "ops", null);
        var deactivate = await Store.DeactivateAsync(Key, "ops", null);
        var withRevision = await Store.DeactivateAsync(Key, "ops", null, expectedRevision: 1);

        Assert.All([activate, deactivate, withRevision], r =>
        {
            Assert.Equal(RouteWriteStatus.NotFound, r.Status);
            Assert.Null(r.Route);
            Assert.Null(r.Event);
        });
        Assert.Null(await Store.GetAsync(Key));
        Assert.Equal(1, await Store.CurrentRevisionAsync());
        Assert.Single(await Store.ChangesSinceAsync(0, 100));
        Assert.Single(await Store.ClaimUndeliveredAsync(100));
    }

    [Fact]
    public async Task A_mismatching_expected_revision_writes_nothing()
    {
        var other = Key with { Version = "v2" };
        await Store.UpsertAsync(Key, Url1, "alice", null);
        await Store.UpsertAsync(other, Url1, "alice", null);

        RouteWriteResult[] mismatches =
        [
            await Store.UpsertAsync(Key, Url2, "bob", null, expectedRevision: 2),
            await Store.UpsertAsync(Key, Url2, "bob", null, expectedRevision: 0),
            await Store.DeactivateAsync(Key, "bob", null, expectedRevision: 5),
            await Store.ActivateAsync(Key, "bob", null, expectedRevision: 0),
        ];
        var missing = await Store.UpsertAsync(Key with { Version = "v9" }, Url1, "bob", null, expectedRevision: 1);

        Assert.All(mismatches, r =>
        {
            Assert.Equal(RouteWriteStatus.RevisionMismatch, r.Status);
            Assert.Null(r.Event);
            Assert.Equal(1, r.Route!.Revision);
        });
        Assert.Equal(RouteWriteStatus.RevisionMismatch, missing.Status);
        Assert.Null(missing.Route);
        Assert.Equal(2, await Store.CurrentRevisionAsync());
        Assert.Equal(Url1, (await Store.GetAsync(Key))!.Url);
        Assert.Single(await Store.AuditForRouteAsync(Key, 10));
        Assert.Null(await Store.GetAsync(Key with { Version = "v9" }));
        Assert.Equal(2, (await Store.ClaimUndeliveredAsync(100)).Count);

        var matching = await Store.UpsertAsync(Key, Url2, "bob", null, expectedRevision: 1);
        var createOnly = await Store.UpsertAsync(Key with { Version = "v9" }, Url1, "bob", null, expectedRevision: 0);
        var deactivate = await Store.DeactivateAsync(other, "bob", null, expectedRevision: 2);
        Assert.Equal((RouteWriteStatus.Updated, 3L), (matching.Status, matching.Route!.Revision));
        Assert.Equal((RouteWriteStatus.Created, 4L), (createOnly.Status, createOnly.Route!.Revision));
        Assert.Equal((RouteWriteStatus.Deactivated, 5L), (deactivate.Status, deactivate.Route!.Revision));
    }

    [Fact]
    public async Task Fifty_concurrent_upserts_to_one_route_get_fifty_increasing_revisions_audit_rows_and_outbox_rows()
    {
        // Half the writers go through a second store on the same database, as a second replica would, and that one
        // commits every write on its own (no group commit).
        var second = await OpenAnotherAsync(maxWriteBatch: 1);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            await go.Task;
            var store = i % 2 == 0 ? Store : second;
            return await store.UpsertAsync(Key, $"http://billing-{i}.acme.internal/", $"writer-{i}", $"corr-{i}");
        })).ToArray();
        go.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.True(r.Changed));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), results.Select(r => r.Route!.Revision).Order());
        Assert.Single(results, r => r.Status == RouteWriteStatus.Created);

        // Each change saw the one committed just before it: its previous URL is the URL of revision - 1.
        var audit = await Store.AuditForRouteAsync(Key, 1000);
        Assert.Equal(Enumerable.Range(1, 50).Reverse().Select(i => (long)i), audit.Select(e => e.Revision));
        var byRevision = audit.ToDictionary(e => e.Revision);
        for (long revision = 2; revision <= 50; revision++)
        {
            Assert.Equal(byRevision[revision - 1].Url, byRevision[revision].PreviousUrl);
        }

        Assert.Equal(byRevision[50].Url, (await Store.GetAsync(Key))!.Url);
        Assert.Equal(50, audit.Select(e => e.EventId).Distinct().Count());
        var messages = await Store.ClaimUndeliveredAsync(1000);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), messages.Select(m => m.Revision));
        Assert.Equal(audit.Select(e => e.EventId).Order(), messages.Select(m => m.EventId).Order());
        Assert.All(messages, m => Assert.Equal(m.Revision, JsonDocument.Parse(m.Payload).RootElement.GetProperty("revision").GetInt64()));
        Assert.Equal(50, await Store.CurrentRevisionAsync());
    }

    [Fact]
    public async Task Revisions_are_gap_free_and_follow_commit_order_across_routes()
    {
        var a = Key;
        var b = Key with { Env = "staging" };
        var c = Key with { Tenant = "globex" };
        var sequence = new List<(RouteKey Key, string Action)>();
        async Task Do(Task<RouteWriteResult> write)
        {
            var result = await write;
            if (result.Changed)
            {
                sequence.Add((result.Event!.Key, result.Event.Action));
            }
        }

        await Do(Store.UpsertAsync(a, Url1, "t", null));
        await Do(Store.UpsertAsync(b, Url1, "t", null));
        await Do(Store.DeactivateAsync(a, "t", null));
        await Do(Store.UpsertAsync(c, Url2, "t", null));
        await Do(Store.UpsertAsync(c, Url2, "t", null));
        await Do(Store.ActivateAsync(a, "t", null));
        await Do(Store.UpsertAsync(b, Url2, "t", null));

        var changes = await Store.ChangesSinceAsync(0, 100);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], changes.Select(e => e.Revision));
        Assert.Equal(sequence, changes.Select(e => (e.Route!.Key, e.Route.Action)));

        // Concurrent writers on different routes: the revisions stay gap-free, and each writer's own sequential
        // writes get increasing revisions.
        var perWriter = new ConcurrentDictionary<int, List<long>>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var mine = perWriter.GetOrAdd(w, _ => []);
            for (int i = 0; i < 5; i++)
            {
                var result = await Store.UpsertAsync(new RouteKey("load", $"svc{w}", "prod", $"v{i}"), Url1, $"w{w}", null);
                mine.Add(result.Route!.Revision);
            }
        })));

        Assert.All(perWriter.Values, revisions => Assert.Equal(revisions.Order(), revisions));
        Assert.Equal(Enumerable.Range(7, 40).Select(i => (long)i), perWriter.Values.SelectMany(r => r).Order());
        Assert.Equal(46, await Store.CurrentRevisionAsync());
        Assert.Equal(Enumerable.Range(1, 46).Select(i => (long)i), (await Store.ChangesSinceAsync(0, 1000)).Select(e => e.Revision));
    }

    [Fact]
    public async Task Changes_since_returns_exactly_the_events_after_a_revision_in_order()
    {
        var written = new List<RouteAuditEvent>();
        for (int i = 0; i < 10; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            var key = Key with { Version = $"v{i % 3}" };
            var result = i % 4 == 3
                ? await Store.DeactivateAsync(key, "t", $"c{i}")
                : await Store.UpsertAsync(key, $"http://h{i}/", "t", $"c{i}");
            written.Add(result.Event!);
            await Store.UpsertAsync(key, result.Route!.Url, "t", null); // no-op or reactivation: recorded too if it changes
            if (result.Route.State == RouteState.Inactive)
            {
                written.Add((await Store.AuditForRouteAsync(key, 1))[0]);
            }
        }

        long current = await Store.CurrentRevisionAsync();
        Assert.Equal(written.Count, current);
        Assert.Equal(written.Skip(4), (await Store.ChangesSinceAsync(4, 100)).Select(c => c.Route));
        Assert.Equal(written.Skip(4).Take(3), (await Store.ChangesSinceAsync(4, 3)).Select(c => c.Route));
        Assert.Equal(written, (await Store.ChangesSinceAsync(0, 10_000)).Select(c => c.Route));
        Assert.Empty(await Store.ChangesSinceAsync(current, 100));
        Assert.Equal("revision", (await Assert.ThrowsAsync<RouteValidationException>(() => Store.ChangesSinceAsync(-1, 10))).Errors[0].Field);
        Assert.Equal("limit", (await Assert.ThrowsAsync<RouteValidationException>(() => Store.ChangesSinceAsync(0, 0))).Errors[0].Field);
        Assert.Equal("limit", (await Assert.ThrowsAsync<RouteValidationException>(() => Store.ChangesSinceAsync(0, 10_001))).Errors[0].Field);
    }

    [Fact]
    public async Task List_pages_in_ordinal_key_order_with_filters_and_a_stable_cursor()
    {
        string[] tenants = ["Zeta", "acme", "acme-eu", "b.corp"];
        string[] services = ["api", "billing"];
        string[] envs = ["prod", "staging"];
        var keys = new List<RouteKey>();
        foreach (string tenant in tenants)
        {
            foreach (string service in services)
            {
                foreach (string env in envs)
                {
                    keys.Add(new RouteKey(tenant, service, env, "v1"));
                    keys.Add(new RouteKey(tenant, service, env, "V2"));
                }
            }
        }

        foreach (var key in keys)
        {
            await Store.UpsertAsync(key, Url1, "t", null);
        }

        await Store.DeactivateAsync(keys[3], "t", null);
        var ordinal = keys.Order(KeyOrder).ToList();

        var seen = new List<RouteKey>();
        string? cursor = null;
        int pages = 0;
        do
        {
            var page = await Store.ListAsync(null, 10, cursor);
            Assert.True(page.Routes.Count <= 10);
            seen.AddRange(page.Routes.Select(r => r.Key));
            cursor = page.NextCursor;
            if (pages++ == 0)
            {
                // A route created after the first page, sorting before the cursor, must not shift later pages.
                await Store.UpsertAsync(new RouteKey("Aardvark", "api", "prod", "v1"), Url1, "t", null);
            }
        }
        while (cursor is not null);

        Assert.Equal(ordinal, seen);
        Assert.Equal(4, pages);
        Assert.Contains(seen, k => k == keys[3]);

        var acme = await Store.ListAsync(new RouteFilter(Tenant: "acme"), 100, null);
        Assert.Equal(ordinal.Where(k => k.Tenant == "acme"), acme.Routes.Select(r => r.Key));
        Assert.Null(acme.NextCursor);
        var billingStaging = await Store.ListAsync(new RouteFilter("acme-eu", "billing", "staging"), 100, null);
        Assert.Equal([new RouteKey("acme-eu", "billing", "staging", "V2"), new RouteKey("acme-eu", "billing", "staging", "v1")], billingStaging.Routes.Select(r => r.Key));
        var staging = await Store.ListAsync(new RouteFilter(Env: "staging"), 3, null);
        Assert.Equal(ordinal.Where(k => k.Env == "staging").Take(3), staging.Routes.Select(r => r.Key));
        Assert.NotNull(staging.NextCursor);
        Assert.Empty((await Store.ListAsync(new RouteFilter(Tenant: "nobody"), 10, null)).Routes);

        Assert.Equal("cursor", (await Assert.ThrowsAsync<RouteValidationException>(() => Store.ListAsync(null, 10, "not-a-cursor!"))).Errors[0].Field);
        Assert.Equal("cursor", (await Assert.ThrowsAsync<RouteValidationException>(() => Store.ListAsync(null, 10, "YS9i"))).Errors[0].Field);
        Assert.Equal("limit", (await Assert.ThrowsAsync<RouteValidationException>(() => Store.ListAsync(null, 0, null))).Errors[0].Field);
        Assert.Equal("limit", (await Assert.ThrowsAsync<RouteValidationException>(() => Store.ListAsync(null, 1001, null))).Errors[0].Field);
        Assert.Equal("tenant", (await Assert.ThrowsAsync<RouteValidationException>(() => Store.ListAsync(new RouteFilter("team a"), 10, null))).Errors[0].Field);
    }

    [Fact]
    public async Task Load_all_streams_one_consistent_snapshot_of_every_route()
    {
        const int Count = 300;
        for (int i = 0; i < Count; i++)
        {
            await Store.UpsertAsync(new RouteKey("t" + (i % 7), "svc" + (i % 11), "prod", $"v{i}"), $"http://h{i}/", "t", null);
        }

        await Store.DeactivateAsync(new RouteKey("t0", "svc0", "prod", "v0"), "t", null);
        var late = new RouteKey("zzz", "late", "prod", "v1");
        var changed = new RouteKey("t6", "svc6", "prod", "v6");

        var streamed = new List<ServiceRoute>();
        await foreach (var route in Store.LoadAllAsync())
        {
            streamed.Add(route);
            if (streamed.Count == 10)
            {
                // Written while the stream is open: not part of its snapshot.
                await Store.UpsertAsync(late, Url1, "t", null);
                await Store.UpsertAsync(changed, Url2, "t", null);
            }
        }

        Assert.Equal(Count, streamed.Count);
        Assert.DoesNotContain(streamed, r => r.Key == late);
        Assert.Equal("http://h6/", streamed.Single(r => r.Key == changed).Url);
        Assert.Equal(streamed.Select(r => r.Key).Order(KeyOrder), streamed.Select(r => r.Key));
        Assert.Equal(Count + 1, streamed.Max(r => r.Revision));
        Assert.Equal(RouteState.Inactive, streamed.Single(r => r.Key == new RouteKey("t0", "svc0", "prod", "v0")).State);

        // The snapshot's revision plus the change feed gives the current state.
        var after = await Store.ChangesSinceAsync(streamed.Max(r => r.Revision), 100);
        Assert.Equal([late, changed], after.Select(e => e.Route!.Key));
        int all = 0;
        await foreach (var route in Store.LoadAllAsync())
        {
            Assert.Equal(await Store.GetAsync(route.Key), route);
            all++;
        }

        Assert.Equal(Count + 1, all);
    }

    [Fact]
    public async Task Audit_queries_filter_by_route_time_action_and_names_newest_first()
    {
        var prod = Key;
        var staging = Key with { Env = "staging" };
        var globex = new RouteKey("globex", "search", "prod", "v2");
        var now = Start;
        async Task<RouteAuditEvent> At(TimeSpan ago, Func<Task<RouteWriteResult>> write)
        {
            Clock.Set(now - ago);
            return (await write()).Event!;
        }

        var e1 = await At(TimeSpan.FromDays(10), () => Store.UpsertAsync(prod, Url1, "alice", null));
        var e2 = await At(TimeSpan.FromDays(3), () => Store.UpsertAsync(staging, Url1, "alice", null));
        var e3 = await At(TimeSpan.FromDays(2), () => Store.DeactivateAsync(prod, "bob", null));
        var e4 = await At(TimeSpan.FromHours(5), () => Store.UpsertAsync(globex, Url2, "carol", null));
        var e5 = await At(TimeSpan.FromHours(1), () => Store.ActivateAsync(prod, "bob", null));
        var e6 = await At(TimeSpan.FromMinutes(30), () => Store.UpsertAsync(staging, Url2, "alice", null));
        Clock.Set(now);

        Assert.Equal([e6, e5, e4, e3, e2], await Store.RecentAuditAsync(7, null, 100));
        Assert.Equal([e6, e5, e4, e3, e2, e1], await Store.RecentAuditAsync(30, null, 100));
        Assert.Equal([e6, e5], await Store.RecentAuditAsync(7, null, 2));
        Assert.Equal([e6, e5, e3, e2], await Store.RecentAuditAsync(7, new RouteFilter(Tenant: "acme"), 100));
        Assert.Equal([e5, e4, e3], await Store.RecentAuditAsync(7, new RouteFilter(Env: "prod"), 100));
        Assert.Equal([e6, e2], await Store.RecentAuditAsync(7, new RouteFilter("acme", "billing", "staging"), 100));
        Assert.Empty(await Store.RecentAuditAsync(1, new RouteFilter(Service: "nothing"), 100));

        Assert.Equal([e4], await Store.AuditByActionAsync("created", 24, null, 100));
        Assert.Equal([e4, e2], await Store.AuditByActionAsync("created", 24 * 4, null, 100));
        Assert.Equal([e2], await Store.AuditByActionAsync("created", 24 * 4, new RouteFilter(Tenant: "acme"), 100));
        Assert.Equal([e5], await Store.AuditByActionAsync("activated", 2, null, 100));
        Assert.Equal([e6], await Store.AuditByActionAsync("updated", 1, null, 100));
        Assert.Empty(await Store.AuditByActionAsync("deactivated", 24, null, 100));

        // [start, end): e2 is exactly at the start (in), e5 exactly at the end (out).
        Assert.Equal([e4, e3, e2], await Store.AuditBetweenAsync(now.AddDays(-3), now.AddHours(-1), null, null, 100));
        Assert.Equal([e4, e2], await Store.AuditBetweenAsync(now.AddDays(-3), now.AddHours(-1), "created", null, 100));
        Assert.Equal([e4], await Store.AuditBetweenAsync(now.AddDays(-3), now.AddHours(-1), null, new RouteFilter(Tenant: "globex"), 100));
        Assert.Equal([e4, e3], await Store.AuditBetweenAsync(now.AddDays(-3).ToOffset(TimeSpan.FromHours(2)).AddTicks(10), now.AddHours(-1).ToOffset(TimeSpan.FromHours(-7)), null, null, 100));
        Assert.Equal([e6, e5, e4, e3, e2, e1], await Store.AuditBetweenAsync(now.AddYears(-1), now.AddYears(1), null, null, 1000));

        Assert.Equal([e5, e3], await Store.AuditForRouteAsync(prod, 2));
        Assert.Equal([e5, e3, e1], await Store.AuditForRouteAsync(prod, 1000));
        Assert.Empty(await Store.AuditForRouteAsync(Key with { Version = "none" }, 10));
        Assert.All(await Store.RecentAuditAsync(30, null, 100), e => Assert.Equal(TimeSpan.Zero, e.OccurredAt.Offset));

        async Task<string> FieldOf(Func<Task> query) => (await Assert.ThrowsAsync<RouteValidationException>(query)).Errors[0].Field;
        Assert.Equal("limit", await FieldOf(() => Store.AuditForRouteAsync(prod, 0)));
        Assert.Equal("limit", await FieldOf(() => Store.AuditForRouteAsync(prod, 1001)));
        Assert.Equal("limit", await FieldOf(() => Store.RecentAuditAsync(7, null, 1001)));
        Assert.Equal("days", await FieldOf(() => Store.RecentAuditAsync(0, null, 10)));
        Assert.Equal("hours", await FieldOf(() => Store.AuditByActionAsync("created", 0, null, 10)));
        Assert.Equal("action", await FieldOf(() => Store.AuditByActionAsync("removed", 1, null, 10)));
        Assert.Equal("action", await FieldOf(() => Store.AuditBetweenAsync(now.AddDays(-1), now, "Created", null, 10)));
        Assert.Equal("end", await FieldOf(() => Store.AuditBetweenAsync(now, now, null, null, 10)));
        Assert.Equal("env", await FieldOf(() => Store.RecentAuditAsync(7, new RouteFilter(Env: "-x"), 10)));
    }

    [Fact]
    public async Task Outbox_claims_in_revision_order_with_a_lease_until_marked_delivered()
    {
        for (int i = 0; i < 5; i++)
        {
            await Store.UpsertAsync(Key with { Version = $"v{i}" }, Url1, "t", null);
        }

        var first = await Store.ClaimUndeliveredAsync(2, TimeSpan.FromSeconds(30));
        var rest = await Store.ClaimUndeliveredAsync(10, TimeSpan.FromSeconds(30));
        var none = await Store.ClaimUndeliveredAsync(10);

        Assert.Equal([1L, 2L], first.Select(m => m.Revision));
        Assert.Equal([3L, 4L, 5L], rest.Select(m => m.Revision));
        Assert.Empty(none);
        Assert.Equal(2, await Store.MarkDeliveredAsync([first[0].EventId, first[1].EventId, first[0].EventId]));
        Assert.Equal(0, await Store.MarkDeliveredAsync([first[0].EventId]));
        Assert.Equal(0, await Store.MarkDeliveredAsync([Guid.NewGuid()]));
        Assert.Equal(0, await Store.MarkDeliveredAsync([]));

        // Not acknowledged within the lease: claimable again (at least once), the delivered ones never.
        Clock.Advance(TimeSpan.FromSeconds(31));
        var again = await Store.ClaimUndeliveredAsync(10);
        Assert.Equal([3L, 4L, 5L], again.Select(m => m.Revision));
        Assert.All(again, m => Assert.Equal(2, m.Attempts));
        Assert.Equal(rest.Select(m => m.Payload), again.Select(m => m.Payload));
        Assert.Equal(3, await Store.MarkDeliveredAsync(again.Select(m => m.EventId).ToArray()));
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await Store.ClaimUndeliveredAsync(10));

        Assert.Equal("limit", (await Assert.ThrowsAsync<RouteValidationException>(() => Store.ClaimUndeliveredAsync(0))).Errors[0].Field);
        Assert.Equal("lease", (await Assert.ThrowsAsync<RouteValidationException>(() => Store.ClaimUndeliveredAsync(1, TimeSpan.Zero))).Errors[0].Field);
    }

    [Fact]
    public async Task A_store_opened_again_on_the_same_database_sees_every_committed_write()
    {
        await Store.UpsertAsync(Key, Url1, "alice", "c1");
        await Store.UpsertAsync(Key, Url2, "bob", "c2");
        await Store.DeactivateAsync(Key, "bob", "c3");
        await Store.UpsertAsync(Key with { Env = "dev" }, Url1, "alice", null);
        var delivered = (await Store.ClaimUndeliveredAsync(1))[0];
        await Store.MarkDeliveredAsync([delivered.EventId]);
        var route = await Store.GetAsync(Key);
        var audit = await Store.ChangesSinceAsync(0, 100);
        await Store.DisposeAsync();

        var reopened = await OpenAnotherAsync();

        Assert.Equal(3, reopened.SchemaVersion);
        Assert.Equal(route, await reopened.GetAsync(Key));
        Assert.Equal(audit, await reopened.ChangesSinceAsync(0, 100));
        Assert.Equal(4, await reopened.CurrentRevisionAsync());
        Assert.Equal([2L, 3L, 4L], (await reopened.ClaimUndeliveredAsync(10)).Select(m => m.Revision));
        var next = await reopened.ActivateAsync(Key, "carol", null);
        Assert.Equal(5, next.Route!.Revision);
    }

    [Fact]
    public async Task A_write_failing_inside_the_database_leaves_no_trace()
    {
        await Store.UpsertAsync(Key, Url1, "alice", null);
        await InstallFailingOutboxTriggerAsync();

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.UpsertAsync(Key with { Version = "v2" }, "http://boom/", "alice", null));
        var failedUpdate = await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.UpsertAsync(Key, "http://boom/", "alice", null));

        Assert.Contains("boom", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(failedUpdate.InnerException);
        Assert.Null(await Store.GetAsync(Key with { Version = "v2" }));
        Assert.Equal(Url1, (await Store.GetAsync(Key))!.Url);
        Assert.Equal(1, await Store.CurrentRevisionAsync());
        Assert.Single(await Store.ChangesSinceAsync(0, 100));
        Assert.Single(await Store.ClaimUndeliveredAsync(100));

        // The store keeps working: the next write takes the next revision, without a gap.
        var next = await Store.DeactivateAsync(Key, "alice", null);
        Assert.Equal(2, next.Route!.Revision);

        // Queued together (so they likely share a batch), only the write at fault fails.
        var good = Enumerable.Range(0, 20).Select(i => Store.UpsertAsync(Key with { Env = $"e{i}" }, Url1, "alice", null)).ToList();
        var bad = Store.UpsertAsync(Key with { Env = "bad" }, "http://boom/", "alice", null);
        good.AddRange(Enumerable.Range(20, 20).Select(i => Store.UpsertAsync(Key with { Env = $"e{i}" }, Url1, "alice", null)));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => bad);
        Assert.All(await Task.WhenAll(good), r => Assert.Equal(RouteWriteStatus.Created, r.Status));
        Assert.Equal(42, await Store.CurrentRevisionAsync());
        Assert.Equal(Enumerable.Range(1, 42).Select(i => (long)i), (await Store.ChangesSinceAsync(0, 100)).Select(c => c.Revision));
        Assert.Null(await Store.GetAsync(Key with { Env = "bad" }));
    }

    [Fact]
    public async Task A_write_cancelled_before_it_runs_writes_nothing_and_disposal_finishes_queued_writes()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.UpsertAsync(Key, Url1, "alice", null, cancellationToken: cancelled.Token));
        Assert.Equal(0, await Store.CurrentRevisionAsync());

        var other = await OpenAnotherAsync();
        var queued = Enumerable.Range(0, 20).Select(i => other.UpsertAsync(Key with { Version = $"v{i}" }, Url1, "alice", null)).ToArray();
        await other.DisposeAsync();

        Assert.All(await Task.WhenAll(queued), r => Assert.Equal(RouteWriteStatus.Created, r.Status));
        Assert.Equal(20, await Store.CurrentRevisionAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => other.UpsertAsync(Key, Url1, "alice", null));
    }

    [Fact]
    public async Task A_split_needs_active_versions_is_audited_revisioned_and_published()
    {
        var split = new SplitKey("acme", "billing", "prod");
        await Store.UpsertAsync(split.Route("v1"), Url1, "alice", null);
        await Store.UpsertAsync(split.Route("v2"), Url2, "alice", null);
        await Store.UpsertAsync(split.Route("v4"), Url2, "alice", null);
        await Store.DeactivateAsync(split.Route("v4"), "alice", null);

        var unavailable = await Store.PutSplitAsync(split, new Dictionary<string, int> { ["v1"] = 50, ["v3"] = 25, ["v4"] = 25 }, "ops", "s-0");
        Assert.Equal(SplitWriteStatus.VersionsUnavailable, unavailable.Status);
        Assert.Equal(["v3", "v4"], unavailable.UnavailableVersions);
        Assert.Null(unavailable.Event);
        Assert.Equal(4, await Store.CurrentRevisionAsync());

        Clock.Advance(TimeSpan.FromMinutes(1));
        var created = await Store.PutSplitAsync(split, new Dictionary<string, int> { ["v2"] = 10, ["v1"] = 90 }, "ops", "s-1");
        Assert.Equal(SplitWriteStatus.Created, created.Status);
        var weights = new SplitWeights(new Dictionary<string, int> { ["v1"] = 90, ["v2"] = 10 });
        Assert.Equal(new WeightedSplit(split, weights, 5, Start.AddMinutes(1), Start.AddMinutes(1)), created.Split);
        Assert.Equal(created.Split, await Store.GetSplitAsync(split));
        Assert.Equal("{\"v1\":90,\"v2\":10}", created.Split!.Weights.ToJson());
        Assert.Equal((SplitActions.Set, weights, (SplitWeights?)null, "ops", "s-1", 5L),
            (created.Event!.Action, created.Event.Weights, created.Event.PreviousWeights, created.Event.ChangedBy, created.Event.CorrelationId, created.Event.Revision));

        var same = await Store.PutSplitAsync(split, new Dictionary<string, int> { ["v1"] = 90, ["v2"] = 10 }, "ops", null);
        Assert.Equal((SplitWriteStatus.Unchanged, 5L), (same.Status, same.Split!.Revision));

        var conflict = await Store.DeactivateAsync(split.Route("v2"), "ops", null);
        Assert.Equal(RouteWriteStatus.SplitConflict, conflict.Status);
        Assert.Equal(RouteState.Active, (await Store.GetAsync(split.Route("v2")))!.State);

        var mismatch = await Store.PutSplitAsync(split, new Dictionary<string, int> { ["v1"] = 50, ["v2"] = 50 }, "ops", null, expectedRevision: 0);
        Assert.Equal(SplitWriteStatus.RevisionMismatch, mismatch.Status);
        var updated = await Store.PutSplitAsync(split, new Dictionary<string, int> { ["v1"] = 50, ["v2"] = 50 }, "ops", null, expectedRevision: 5);
        Assert.Equal(SplitWriteStatus.Updated, updated.Status);
        Assert.Equal(weights, updated.Event!.PreviousWeights);

        Assert.Equal(SplitWriteStatus.RevisionMismatch, (await Store.DeleteSplitAsync(split, "ops", null, expectedRevision: 5)).Status);
        var deleted = await Store.DeleteSplitAsync(split, "ops", "s-3", expectedRevision: 6);
        Assert.Equal((SplitWriteStatus.Deleted, (WeightedSplit?)null, SplitActions.Deleted, (SplitWeights?)null, 7L),
            (deleted.Status, deleted.Split, deleted.Event!.Action, deleted.Event.Weights, deleted.Event.Revision));
        Assert.Null(await Store.GetSplitAsync(split));
        Assert.Equal(SplitWriteStatus.NotFound, (await Store.DeleteSplitAsync(split, "ops", null)).Status);
        Assert.Equal(RouteWriteStatus.Deactivated, (await Store.DeactivateAsync(split.Route("v2"), "ops", null)).Status);

        Assert.Equal([deleted.Event, updated.Event, created.Event], await Store.SplitAuditAsync(split, 10));
        var feed = await Store.ChangesSinceAsync(0, 100);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), feed.Select(c => c.Revision));
        Assert.All(feed, c => Assert.True(c.Route is null != (c.Split is null)));
        Assert.Equal([5L, 6L, 7L], feed.Where(c => c.Split is not null).Select(c => c.Revision));
        Assert.Equal([created.Event, updated.Event], (await Store.ChangesSinceAsync(4, 2)).Select(c => c.Split));
        Assert.Equal([6L, 7L], (await Store.ChangesSinceAsync(5, 2)).Select(c => c.Revision));

        var messages = await Store.ClaimUndeliveredAsync(100);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), messages.Select(m => m.Revision));
        using var payload = JsonDocument.Parse(messages[5].Payload);
        var root = payload.RootElement;
        Assert.Equal(
            ["event_id", "event_type", "action", "tenant", "service", "env", "weights", "occurred_at", "correlation_id", "revision", "previous_weights", "changed_by"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("split_changed", root.GetProperty("event_type").GetString());
        Assert.Equal("split_set", root.GetProperty("action").GetString());
        Assert.Equal(50, root.GetProperty("weights").GetProperty("v2").GetInt32());
        Assert.Equal(90, root.GetProperty("previous_weights").GetProperty("v1").GetInt32());
        Assert.Equal(6, root.GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task Splits_load_in_key_order_and_invalid_weights_are_refused()
    {
        var a = new SplitKey("acme", "api", "prod");
        var b = new SplitKey("Acme", "api", "prod");
        foreach (var key in new[] { a, b })
        {
            await Store.UpsertAsync(key.Route("v1"), Url1, "t", null);
            await Store.PutSplitAsync(key, new Dictionary<string, int> { ["v1"] = 100 }, "t", null);
        }

        var all = new List<WeightedSplit>();
        await foreach (var split in Store.LoadAllSplitsAsync())
        {
            all.Add(split);
        }

        Assert.Equal([b, a], all.Select(s => s.Key));
        Assert.Equal([4L, 2L], all.Select(s => s.Revision));

        async Task<IReadOnlyList<ValidationError>> Errors(IReadOnlyDictionary<string, int> weights) =>
            (await Assert.ThrowsAsync<RouteValidationException>(() => Store.PutSplitAsync(a, weights, "t", null))).Errors;
        Assert.Equal("weights: must sum to 100, got 99", Assert.Single(await Errors(new Dictionary<string, int> { ["v1"] = 90, ["v2"] = 9 })).ToString());
        Assert.Equal("weights.v2", Assert.Single(await Errors(new Dictionary<string, int> { ["v1"] = 100, ["v2"] = 0 })).Field);
        Assert.Equal("weights", Assert.Single(await Errors(new Dictionary<string, int>())).Field);
        Assert.Equal("weights", Assert.Single(await Errors(new Dictionary<string, int> { ["bad name"] = 100 })).Field);
        Assert.Equal("tenant", (await Assert.ThrowsAsync<RouteValidationException>(() => Store.GetSplitAsync(new SplitKey("a b", "c", "d")))).Errors[0].Field);
        Assert.Equal(4, await Store.CurrentRevisionAsync());
    }

    [Fact]
    public async Task Invalid_input_is_refused_naming_the_field_and_writes_nothing()
    {
        async Task<IReadOnlyList<ValidationError>> Errors(Func<Task> call) => (await Assert.ThrowsAsync<RouteValidationException>(call)).Errors;

        var badTenant = await Errors(() => Store.UpsertAsync(Key with { Tenant = "team a" }, Url1, "alice", null));
        Assert.Equal("tenant: must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$, got 'team a'", Assert.Single(badTenant).ToString());
        Assert.Equal(["service", "url"], (await Errors(() => Store.UpsertAsync(Key with { Service = "" }, "ftp://x", "alice", null))).Select(e => e.Field));
        Assert.Equal("version", Assert.Single(await Errors(() => Store.UpsertAsync(Key with { Version = new string('v', 64) }, Url1, "alice", null))).Field);
        Assert.Equal("url", Assert.Single(await Errors(() => Store.UpsertAsync(Key, "http://", "alice", null))).Field);
        Assert.Equal("changed_by", Assert.Single(await Errors(() => Store.UpsertAsync(Key, Url1, " ", null))).Field);
        Assert.Equal("expected_revision", Assert.Single(await Errors(() => Store.UpsertAsync(Key, Url1, "alice", null, -1))).Field);
        Assert.Equal("env", Assert.Single(await Errors(() => Store.ActivateAsync(Key with { Env = "-x" }, "alice", null))).Field);
        Assert.Equal(["tenant", "service", "env", "version"], (await Errors(() => Store.DeactivateAsync(default, "alice", null))).Select(e => e.Field));
        Assert.Equal("tenant", Assert.Single(await Errors(() => Store.GetAsync(Key with { Tenant = "a b" }))).Field);
        Assert.Equal("version", Assert.Single(await Errors(() => Store.AuditForRouteAsync(Key with { Version = "" }, 10))).Field);

        Assert.Equal(0, await Store.CurrentRevisionAsync());
        Assert.Empty(await Store.ChangesSinceAsync(0, 10));
        Assert.Empty(await Store.ClaimUndeliveredAsync(10));
    }
}
