using System.Text.Json;

namespace Crossroads.Server.Tests.ServiceRoutes;

/// <summary>Traffic Manager's paths, fields and status codes, on the embedded SQLite store over real HTTP.</summary>
public sealed class TrafficManagerCompatibilityTests : IAsyncLifetime
{
    private ServiceRoutesServer _server = null!;

    private HttpClient Reader => _server.Client;

    private HttpClient Writer => _server.Writer;

    public async Task InitializeAsync() => _server = await ServiceRoutesServer.StartSqliteAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_created_route_resolves_with_exactly_the_five_fields()
    {
        var created = await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://billing-v1:8080/api");
        Assert.Equal(201, created.Code);
        Assert.Equal("application/json", created.ContentType);
        Assert.Equal("http://billing-v1:8080/api", created.Str("url"));
        Assert.True(created.Json.GetProperty("is_active").GetBoolean());
        foreach (string name in new[] { "tenant", "service", "env", "version" })
        {
            Assert.Equal(name switch { "tenant" => "acme", "service" => "billing", "env" => "prod", _ => "v1" }, created.Str(name));
        }

        var resolved = await Tm.ResolveAsync(Reader, "acme", "billing", "prod", "v1");
        Assert.Equal(200, resolved.Code);
        Assert.Equal(["tenant", "service", "env", "version", "url"], resolved.Members);
        Assert.Equal("http://billing-v1:8080/api", resolved.Str("url"));
        Assert.Equal($"\"{created.Long("revision")}\"", resolved.Header("ETag"));
        // Small answers go out with Content-Length, not chunked.
        Assert.NotEqual(true, resolved.Response.Headers.TransferEncodingChunked);
        Assert.NotEqual(true, created.Response.Headers.TransferEncodingChunked);
    }

    [Fact]
    public async Task Resolve_without_a_parameter_is_400_listing_the_required_ones()
    {
        var answer = await Tm.GetAsync(Reader, "/api/v1/routes/resolve?tenant=acme&env=prod");
        Tm.AssertError(answer, 400, "Missing required parameters");
        Assert.Equal(["tenant", "service", "env", "version"], answer.Json.GetProperty("required").EnumerateArray().Select(static e => e.GetString()));
        Assert.Contains("service", answer.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_and_inactive_routes_are_404_with_the_four_names()
    {
        var unknown = await Tm.ResolveAsync(Reader, "acme", "billing", "prod", "v9");
        Tm.AssertError(unknown, 404, "Route not found");
        Assert.Equal("No active route found for acme/billing/prod/v9", unknown.Str("message"));
        Assert.Equal("v9", unknown.Str("version"));
        Assert.Equal("acme", unknown.Str("tenant"));

        await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://b1");
        var deactivated = await Tm.DeactivateAsync(Writer, "acme", "billing", "prod", "v1");
        Assert.Equal(200, deactivated.Code);
        Assert.False(deactivated.Json.GetProperty("is_active").GetBoolean());
        Tm.AssertError(await Tm.ResolveAsync(Reader, "acme", "billing", "prod", "v1"), 404, "Route not found");

        var activated = await Tm.ActivateAsync(Writer, "acme", "billing", "prod", "v1");
        Assert.Equal(200, activated.Code);
        Assert.True(activated.Json.GetProperty("is_active").GetBoolean());
        Assert.Equal("http://b1", (await Tm.ResolveAsync(Reader, "acme", "billing", "prod", "v1")).Str("url"));
    }

    [Fact]
    public async Task Reposting_updates_the_url_and_activates_and_every_write_is_visible_at_once()
    {
        await Tm.UpsertAsync(Writer, "acme", "search", "prod", "v1", "http://old");
        await Tm.DeactivateAsync(Writer, "acme", "search", "prod", "v1");
        var updated = await Tm.UpsertAsync(Writer, "acme", "search", "prod", "v1", "http://new");
        Assert.Equal(201, updated.Code);
        Assert.True(updated.Json.GetProperty("is_active").GetBoolean());
        Assert.Equal("http://new", (await Tm.ResolveAsync(Reader, "acme", "search", "prod", "v1")).Str("url"));
    }

    [Fact]
    public async Task Activating_an_unknown_route_is_404_validation_error()
    {
        var answer = await Tm.ActivateAsync(Writer, "acme", "nothing", "prod", "v1");
        Tm.AssertError(answer, 404, "Validation error");
        Assert.Equal("Route not found: acme/nothing/prod/v1", answer.Str("message"));
        Tm.AssertError(await Tm.DeactivateAsync(Writer, "acme", "nothing", "prod", "v1"), 404, "Validation error");
    }

    [Theory]
    [InlineData("", "Request body must be JSON")]
    [InlineData("{}", "Request body must be JSON")]
    [InlineData("[1,2]", "Request body must be JSON")]
    [InlineData("{\"tenant\":\"acme\"", "Invalid JSON")]
    [InlineData("{\"tenant\":\"acme\",\"service\":\"s\"}", "Missing required fields")]
    [InlineData("{\"tenant\":\"team a\",\"service\":\"s\",\"env\":\"e\",\"version\":\"v\",\"url\":\"http://x\"}", "Validation error")]
    [InlineData("{\"tenant\":\"t\",\"service\":\"s\",\"env\":\"e\",\"version\":\"v\",\"url\":\"not a url\"}", "Validation error")]
    [InlineData("{\"tenant\":\"t\",\"service\":\"s\",\"env\":\"e\",\"version\":\"v\",\"url\":\"ftp://x\"}", "Validation error")]
    [InlineData("{\"tenant\":\"t\",\"service\":\"s\",\"env\":\"e\",\"version\":\"v\",\"url\":\"http://x\",\"color\":\"red\"}", "Validation error")]
    [InlineData("{\"tenant\":1,\"service\":\"s\",\"env\":\"e\",\"version\":\"v\",\"url\":\"http://x\"}", "Validation error")]
    public async Task Bad_bodies_are_400_naming_what_was_wrong_and_write_nothing(string body, string error)
    {
        var answer = await Tm.SendAsync(Writer, HttpMethod.Post, "/api/v1/routes", body);
        Tm.AssertError(answer, 400, error);
        var recent = await Tm.GetAsync(Reader, "/api/v1/audit/recent?days=1");
        Assert.Equal(0, recent.Json.GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("/api/v1/routes", "{\"tenant\":\"\\ud800\",\"service\":\"s\",\"env\":\"e\",\"version\":\"v\",\"url\":\"http://x\"}")]
    [InlineData("/api/v1/routes", "{\"tenant\":\"t\",\"service\":\"s\",\"env\":\"e\",\"version\":\"v\",\"url\":\"http://x/\u00ff\"}")]
    [InlineData("/api/v1/routes", "{\"tenant\":\"t\",\"service\":\"s\",\"env\":\"e\",\"version\":\"v\",\"url\":\"http://x\",\"\\udc00\":1}")]
    [InlineData("/api/v1/routes/activate", "{\"tenant\":\"t\",\"service\":\"s\\udfff\",\"env\":\"e\",\"version\":\"v\"}")]
    [InlineData("/api/v1/routes/deactivate", "{\"tenant\":\"t\u00e9\",\"service\":\"s\",\"env\":\"e\",\"version\":\"v\"}")]
    public async Task Strings_that_are_not_text_are_400_invalid_json_not_500_and_write_nothing(string path, string body)
    {
        // Latin-1 bytes: \u00ff and \u00e9 go out as one byte each, not UTF-8; \\ud800 is an escaped lone surrogate.
        var answer = await Tm.SendLatin1Async(Writer, HttpMethod.Post, path, body);
        Tm.AssertError(answer, 400, "Invalid JSON");
        Assert.Contains("not valid text", answer.Str("message"), StringComparison.Ordinal);
        var recent = await Tm.GetAsync(Reader, "/api/v1/audit/recent?days=1");
        Assert.Equal(0, recent.Json.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Validation_errors_name_the_field()
    {
        var answer = await Tm.UpsertAsync(Writer, "team a", "billing", "prod", "v1", "not a url");
        Tm.AssertError(answer, 400, "Validation error");
        Assert.Contains("tenant", answer.Str("message"), StringComparison.Ordinal);
        Assert.Contains("url", answer.Str("message"), StringComparison.Ordinal);

        var unknown = await Tm.SendAsync(Writer, HttpMethod.Post, "/api/v1/routes", "{\"tenant\":\"t\",\"service\":\"s\",\"env\":\"e\",\"version\":\"v\",\"url\":\"http://x\",\"colour\":1}");
        Assert.Contains("'colour'", unknown.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_json_content_type_is_415_and_an_oversized_body_413()
    {
        var text = await Tm.SendAsync(Writer, HttpMethod.Post, "/api/v1/routes", "tenant=acme", "application/x-www-form-urlencoded");
        Tm.AssertError(text, 415, "Unsupported media type");

        string huge = Tm.Route("t", "s", "e", "v", "http://x/" + new string('a', 70_000));
        Tm.AssertError(await Tm.SendAsync(Writer, HttpMethod.Post, "/api/v1/routes", huge), 413, "Payload too large");
    }

    [Fact]
    public async Task Writes_need_the_write_key_and_record_its_name_and_the_correlation_id()
    {
        var anonymous = await Tm.UpsertAsync(Reader, "acme", "billing", "prod", "v1", "http://b1");
        // The chassis' 401 also carries Traffic Manager's members on this module's paths.
        Tm.AssertError(anonymous, 401, "Unauthorized");

        var created = await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://b1", ("X-Correlation-ID", "deploy-42"));
        Assert.Equal("deploy-42", created.Header("X-Correlation-ID"));
        await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://b2");
        await Tm.DeactivateAsync(Writer, "acme", "billing", "prod", "v1");

        var audit = await Tm.GetAsync(Reader, "/api/v1/audit/route?tenant=acme&service=billing&env=prod&version=v1");
        Assert.Equal(200, audit.Code);
        Assert.Equal(3, audit.Json.GetProperty("count").GetInt32());
        Assert.Equal("v1", audit.Json.GetProperty("route").GetProperty("version").GetString());
        var events = audit.Json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["deactivated", "updated", "created"], events.Select(static e => e.GetProperty("action").GetString()));
        Assert.All(events, static e => Assert.Equal(ServiceRoutesServer.KeyName, e.GetProperty("changed_by").GetString()));
        Assert.Equal("http://b2", events[0].GetProperty("previous_url").GetString());
        Assert.Equal("active", events[0].GetProperty("previous_state").GetString());
        Assert.Equal("http://b1", events[1].GetProperty("previous_url").GetString());
        Assert.Equal(JsonValueKind.Null, events[2].GetProperty("previous_url").ValueKind);
        Assert.Equal("deploy-42", events[2].GetProperty("correlation_id").GetString());
        foreach (var e in events)
        {
            foreach (string member in new[] { "event_id", "action", "url", "previous_url", "previous_state", "changed_by", "occurred_at", "processed_at", "revision" })
            {
                Assert.True(e.TryGetProperty(member, out _), $"audit event lacks {member}: {e}");
            }

            Assert.EndsWith("Z", e.GetProperty("occurred_at").GetString(), StringComparison.Ordinal);
            Assert.False(e.TryGetProperty("route", out _));
        }

        Assert.True(events[0].GetProperty("revision").GetInt64() > events[1].GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task Audit_recent_action_and_time_range_filter_and_carry_the_route()
    {
        await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://b1");
        await Tm.UpsertAsync(Writer, "other", "billing", "prod", "v1", "http://o1");
        await Tm.DeactivateAsync(Writer, "acme", "billing", "prod", "v1");

        var recent = await Tm.GetAsync(Reader, "/api/v1/audit/recent?days=1&tenant=acme");
        Assert.Equal(1, recent.Json.GetProperty("days").GetInt32());
        Assert.Equal(2, recent.Json.GetProperty("count").GetInt32());
        Assert.All(recent.Json.GetProperty("events").EnumerateArray(), static e => Assert.Equal("acme", e.GetProperty("route").GetProperty("tenant").GetString()));

        var created = await Tm.GetAsync(Reader, "/api/v1/audit/action?action=created&hours=1");
        Assert.Equal("created", created.Str("action"));
        Assert.Equal(1, created.Json.GetProperty("hours").GetInt32());
        Assert.Equal(2, created.Json.GetProperty("count").GetInt32());

        string start = Uri.EscapeDataString(DateTime.UtcNow.AddMinutes(-5).ToString("O"));
        string end = Uri.EscapeDataString(DateTime.UtcNow.AddMinutes(5).ToString("O"));
        var range = await Tm.GetAsync(Reader, $"/api/v1/audit/time-range?start_time={start}&end_time={end}&action=deactivated");
        Assert.Equal(200, range.Code);
        Assert.Equal(1, range.Json.GetProperty("count").GetInt32());
        Assert.EndsWith("Z", range.Str("start_time"), StringComparison.Ordinal);
        Assert.Equal("deactivated", range.Json.GetProperty("events")[0].GetProperty("action").GetString());

        var before = await Tm.GetAsync(Reader, "/api/v1/audit/time-range?start_time=2001-01-01T00:00:00&end_time=2001-01-02T00:00:00");
        Assert.Equal(0, before.Json.GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("/api/v1/audit/route?tenant=a&service=b&env=c&version=d&limit=0", "Invalid limit")]
    [InlineData("/api/v1/audit/route?tenant=a&service=b&env=c&version=d&limit=1001", "Invalid limit")]
    [InlineData("/api/v1/audit/recent?limit=abc", "Invalid limit")]
    [InlineData("/api/v1/audit/recent?days=0", "Invalid days")]
    [InlineData("/api/v1/audit/recent?days=366", "Invalid days")]
    [InlineData("/api/v1/audit/action?action=exploded", "Invalid action")]
    [InlineData("/api/v1/audit/time-range?start_time=yesterday&end_time=2030-01-01T00:00:00Z", "Invalid timestamp format")]
    [InlineData("/api/v1/audit/time-range?start_time=2030-01-01T00:00:00Z&end_time=2029-01-01T00:00:00Z", "Invalid time range")]
    [InlineData("/api/v1/audit/time-range?start_time=2030-01-01T00:00:00Z&end_time=2030-01-01T00:00:00Z", "Invalid time range")]
    [InlineData("/api/v1/audit/route?tenant=a&service=b", "Missing required parameters")]
    public async Task Bad_audit_queries_are_400_with_traffic_managers_error(string path, string error)
    {
        var answer = await Tm.GetAsync(Reader, path);
        Tm.AssertError(answer, 400, error);
        if (error == "Invalid action")
        {
            Assert.Contains("created", answer.Json.GetProperty("valid_actions").EnumerateArray().Select(static e => e.GetString()));
        }
    }

    [Fact]
    public async Task If_match_guards_writes_and_if_none_match_saves_the_body()
    {
        var created = await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://b1");
        string etag = created.Header("ETag")!;
        await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://b2");

        var stale = await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://b3", ("If-Match", etag));
        Tm.AssertError(stale, 412, "Precondition failed");
        Assert.Equal("http://b2", (await Tm.ResolveAsync(Reader, "acme", "billing", "prod", "v1")).Str("url"));

        var current = await Tm.ResolveAsync(Reader, "acme", "billing", "prod", "v1");
        var fresh = await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://b3", ("If-Match", current.Header("ETag")!));
        Assert.Equal(201, fresh.Code);

        var cached = await Tm.GetAsync(Reader, "/api/v1/routes/resolve?tenant=acme&service=billing&env=prod&version=v1", ("If-None-Match", fresh.Header("ETag")!));
        Assert.Equal(304, cached.Code);

        var mustBeNew = await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://b4", ("If-Match", "\"0\""));
        Assert.Equal(412, mustBeNew.Code);
        Tm.AssertError(await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://b4", ("If-Match", "yesterday")), 400, "Invalid If-Match");
    }

    [Fact]
    public async Task Revisions_increase_with_every_committed_change()
    {
        long a = (await Tm.UpsertAsync(Writer, "acme", "a", "prod", "v1", "http://a")).Long("revision");
        long b = (await Tm.UpsertAsync(Writer, "acme", "b", "prod", "v1", "http://b")).Long("revision");
        long unchanged = (await Tm.UpsertAsync(Writer, "acme", "b", "prod", "v1", "http://b")).Long("revision");
        long c = (await Tm.DeactivateAsync(Writer, "acme", "a", "prod", "v1")).Long("revision");
        Assert.True(a < b && b < c, $"{a} {b} {c}");
        Assert.Equal(b, unchanged);
    }

    [Fact]
    public async Task Listing_pages_with_a_cursor_over_every_route_once()
    {
        var expected = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            await Tm.UpsertAsync(Writer, "acme", $"svc{i}", "prod", "v1", $"http://s{i}");
            expected.Add($"svc{i}");
        }

        var seen = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            var page = await Tm.GetAsync(Reader, "/api/v1/routes?tenant=acme&limit=3" + (cursor is null ? "" : "&cursor=" + cursor));
            Assert.Equal(200, page.Code);
            seen.AddRange(page.Json.GetProperty("routes").EnumerateArray().Select(static r => r.GetProperty("service").GetString()!));
            cursor = page.Str("next_cursor");
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(expected, seen);
        Assert.Equal(3, pages);
        Tm.AssertError(await Tm.GetAsync(Reader, "/api/v1/routes?cursor=%%%"), 400, "Invalid cursor");
    }

    [Fact]
    public async Task Splits_pick_versions_by_weight_and_stick_to_a_key()
    {
        await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://b1");
        await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v2", "http://b2");
        Tm.AssertError(await Tm.ResolveAsync(Reader, "acme", "billing", "prod", null), 400, "Missing required parameters");

        var missingVersion = await Tm.SendAsync(Writer, HttpMethod.Put, "/api/v1/splits", "{\"tenant\":\"acme\",\"service\":\"billing\",\"env\":\"prod\",\"weights\":{\"v1\":50,\"v3\":50}}");
        Tm.AssertError(missingVersion, 409, "Conflict");
        Assert.Equal(["v3"], missingVersion.Json.GetProperty("unavailable_versions").EnumerateArray().Select(static e => e.GetString()));
        Tm.AssertError(await Tm.SendAsync(Writer, HttpMethod.Put, "/api/v1/splits", "{\"tenant\":\"acme\",\"service\":\"billing\",\"env\":\"prod\",\"weights\":{\"v1\":50,\"v2\":40}}"), 400, "Validation error");

        var put = await Tm.SendAsync(Writer, HttpMethod.Put, "/api/v1/splits", "{\"tenant\":\"acme\",\"service\":\"billing\",\"env\":\"prod\",\"weights\":{\"v1\":80,\"v2\":20}}");
        Assert.Equal(201, put.Code);
        var got = await Tm.GetAsync(Reader, "/api/v1/splits?tenant=acme&service=billing&env=prod");
        Assert.Equal(80, got.Json.GetProperty("weights").GetProperty("v1").GetInt32());

        var counts = new Dictionary<string, int>();
        for (int i = 0; i < 200; i++)
        {
            var answer = await Tm.ResolveAsync(Reader, "acme", "billing", "prod", null, key: $"user-{i}");
            Assert.Equal(200, answer.Code);
            Assert.Equal(answer.Str("version") == "v1" ? "http://b1" : "http://b2", answer.Str("url"));
            counts[answer.Str("version")!] = counts.GetValueOrDefault(answer.Str("version")!) + 1;
            var again = await Tm.ResolveAsync(Reader, "acme", "billing", "prod", null, key: $"user-{i}");
            Assert.Equal(answer.Str("version"), again.Str("version"));
        }

        // 200 keys at 80/20: v2's count is binomial (mean 40, sd ~5.7); 15..70 is far outside any plausible draw.
        Assert.InRange(counts.GetValueOrDefault("v2"), 15, 70);
        Tm.AssertError(await Tm.DeactivateAsync(Writer, "acme", "billing", "prod", "v2"), 409, "Conflict");

        var deleted = await Tm.SendAsync(Writer, HttpMethod.Delete, "/api/v1/splits?tenant=acme&service=billing&env=prod");
        Assert.Equal(200, deleted.Code);
        Tm.AssertError(await Tm.GetAsync(Reader, "/api/v1/splits?tenant=acme&service=billing&env=prod"), 404, "Split not found");
        Tm.AssertError(await Tm.ResolveAsync(Reader, "acme", "billing", "prod", null), 400, "Missing required parameters");
        Assert.Equal(200, (await Tm.DeactivateAsync(Writer, "acme", "billing", "prod", "v2")).Code);
    }

    [Fact]
    public async Task A_burst_of_unknown_routes_and_bad_requests_never_trips_the_breaker()
    {
        // Traffic Manager counted 404s as failures and then answered 503 to everyone for 60 s.
        var misses = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Tm.ResolveAsync(Reader, "acme", $"ghost{i}", "prod", "v1")));
        Assert.All(misses, static m => Assert.Equal(404, m.Code));
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(404, (await Tm.ActivateAsync(Writer, "acme", $"ghost{i}", "prod", "v1")).Code);
            Assert.Equal(400, (await Tm.GetAsync(Reader, "/api/v1/audit/recent?days=0")).Code);
        }

        Assert.Equal(201, (await Tm.UpsertAsync(Writer, "acme", "billing", "prod", "v1", "http://b1")).Code);
        Assert.Equal(200, (await Tm.GetAsync(Reader, "/api/v1/audit/recent?days=1")).Code);
    }

    [Fact]
    public async Task The_chassis_429_carries_traffic_managers_members_on_module_paths_only()
    {
        await using var limited = await ServiceRoutesServer.StartSqliteAsync(
            null,
            "--RateLimits:Enabled=true",
            "--RateLimits:Modules:ServiceRoutes:Reads:PermitsPerSecond=1",
            "--RateLimits:Modules:ServiceRoutes:Reads:Burst=1",
            "--RateLimits:Modules:RoutingTable:Reads:PermitsPerSecond=1",
            "--RateLimits:Modules:RoutingTable:Reads:Burst=1");
        Tm.Answer? throttled = null;
        for (int i = 0; i < 5 && throttled is null; i++)
        {
            var answer = await Tm.ResolveAsync(limited.Client, "acme", "billing", "prod", "v1");
            throttled = answer.Code == 429 ? answer : null;
        }

        Assert.NotNull(throttled);
        Tm.AssertError(throttled, 429, "Too Many Requests");
        Assert.NotNull(throttled.Header("Retry-After"));

        Tm.Answer? lookup = null;
        for (int i = 0; i < 5 && lookup is null; i++)
        {
            var answer = await Tm.GetAsync(limited.Client, "/destination/1.0.167.5");
            lookup = answer.Code == 429 ? answer : null;
        }

        // The routing table's problems keep their shape (no Traffic Manager members).
        Assert.NotNull(lookup);
        Assert.Null(lookup.Str("error"));
        Assert.NotNull(lookup.Str("detail"));
    }

    [Fact]
    public async Task The_cache_survives_a_restart_on_the_same_store()
    {
        using var data = new TempDirectory("crossroads-sr-");
        await using (var first = await ServiceRoutesServer.StartSqliteAsync(data.Path))
        {
            await Tm.UpsertAsync(first.Writer, "acme", "billing", "prod", "v1", "http://durable");
            await first.DisposeAsync();
        }

        await using var second = await ServiceRoutesServer.StartSqliteAsync(data.Path);
        Assert.Equal("http://durable", (await Tm.ResolveAsync(second.Client, "acme", "billing", "prod", "v1")).Str("url"));
    }
}
