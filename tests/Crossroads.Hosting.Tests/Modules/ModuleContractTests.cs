using System.Net;
using System.Text.Json;
using Crossroads.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crossroads.Hosting.Tests.Modules;

/// <summary>The contract every module relies on: readiness, failure, switches, options, route groups and budgets.</summary>
public sealed class ModuleContractTests
{
    [Fact]
    public async Task Startup_turns_green_only_when_every_enabled_module_is_ready_and_readiness_lists_each_module()
    {
        await using var host = await ModuleHost.StartAsync([new FakeModule("Alpha", 9200) { Background = true }, new FakeModule("Beta", 9300, "/beta") { Background = true }]);

        host.Status("Alpha").MarkReady("alpha loaded");
        using (var oneReady = await host.Client.GetAsync("/health/startup"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, oneReady.StatusCode);
            var checks = JsonDocument.Parse(await oneReady.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
            Assert.Equal("Healthy", checks.GetProperty("Alpha").GetProperty("status").GetString());
            Assert.Equal("alpha loaded", checks.GetProperty("Alpha").GetProperty("description").GetString());
            Assert.Equal("loading", checks.GetProperty("Beta").GetProperty("description").GetString());
            Assert.Contains("Beta loading", checks.GetProperty("startup").GetProperty("description").GetString());
        }

        host.Status("Beta").MarkReady();
        using var startup = await host.Client.GetAsync("/health/startup");
        Assert.Equal(HttpStatusCode.OK, startup.StatusCode);
        using var ready = await host.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var readyChecks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        Assert.True(readyChecks.TryGetProperty("Alpha", out _));
        Assert.True(readyChecks.TryGetProperty("Beta", out _));
    }

    [Fact]
    public async Task A_modules_reported_data_is_in_its_check_while_loading_and_once_ready()
    {
        await using var host = await ModuleHost.StartAsync([new FakeModule("Alpha", 9200) { Background = true }]);
        long documents = 0;
        host.Status("Alpha").ReportData(() => new Dictionary<string, object> { ["loaded"] = documents > 0, ["documents"] = documents, ["file"] = "a.ndjson" });

        async Task<JsonElement> AlphaAsync()
        {
            using var response = await host.Client.GetAsync("/health/ready");
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("Alpha").Clone();
        }

        var loading = await AlphaAsync();
        Assert.Equal("loading", loading.GetProperty("description").GetString());
        Assert.False(loading.GetProperty("data").GetProperty("loaded").GetBoolean());

        documents = 42;
        host.Status("Alpha").MarkReady("42 documents");
        var ready = (await AlphaAsync()).GetProperty("data"); // read at each probe: the value of now
        Assert.True(ready.GetProperty("loaded").GetBoolean());
        Assert.Equal(42, ready.GetProperty("documents").GetInt64());
        Assert.Equal("a.ndjson", ready.GetProperty("file").GetString());
    }

    [Fact]
    public async Task A_module_without_a_background_load_is_ready_once_the_host_runs()
    {
        await using var host = await ModuleHost.StartAsync([new FakeModule("Alpha", 9200)]);
        Assert.Equal(ModuleState.Ready, host.Status("Alpha").State);
        using var startup = await host.Client.GetAsync("/health/startup");
        Assert.Equal(HttpStatusCode.OK, startup.StatusCode);
    }

    [Fact]
    public async Task A_module_whose_load_fails_stops_the_process_with_exit_3_and_one_line_naming_it()
    {
        var failing = new FailingModule();
        var (exitCode, _, stderr) = await ModuleHost.RunAsync([new FakeModule("Alpha", 9200), failing]);
        Assert.Equal(CrossroadsHost.StartupFailedExitCode, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("crossroads: startup failed: module Broken: data file '/nowhere' is missing", line.Trim());
    }

    [Fact]
    public async Task A_switched_off_module_has_no_endpoints_no_check_and_does_not_hold_startup_back()
    {
        await using var host = await ModuleHost.StartAsync(
            [new FakeModule("Alpha", 9200, "/alpha"), new FakeModule("Beta", 9300, "/beta") { Background = true }],
            "--Modules:Beta:Enabled=false",
            "--Beta:Greeting=x"); // would fail Beta's validation: a switched-off module's settings are not checked
        Assert.Equal("Alpha:hello", await host.Client.GetStringAsync("/alpha/ping"));
        using var beta = await host.Client.GetAsync("/beta/ping");
        Assert.Equal(HttpStatusCode.NotFound, beta.StatusCode);
        Assert.Null(host.App.Services.GetKeyedService<ModuleStatus>("Beta"));
        using var ready = await host.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.False(JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").TryGetProperty("Beta", out _));
    }

    [Theory]
    [InlineData("--Modules:Gamma:Enabled=false", "Modules:Gamma: no such module")]
    [InlineData("--Modules:Alpha:Enabled=maybe", "Modules:Alpha:Enabled: must be true or false")]
    [InlineData("--Modules:Alpha:Enable=false", "Modules:Alpha:Enable: unknown setting")]
    [InlineData("--Alpha:Greting=hi", "'Greting'")]
    [InlineData("--Alpha:Level=11", "Alpha:Level (OLD_LEVEL): must be between 1 and 10, got '11'")]
    [InlineData("--Alpha:Greeting=h", "Alpha:Greeting: must have at least 2 characters")]
    [InlineData("--OLD_LEVEL=0", "Alpha:Level (OLD_LEVEL): must be between 1 and 10, got '0'")]
    [InlineData("--RateLimits:Modules:Alpha:Reads:Burst=0", "RateLimits:Modules:Alpha:Reads:Burst")]
    [InlineData("--RateLimits:Modules:Nope:Reads:Burst=5", "RateLimits:Modules:Nope: no such module")]
    public async Task Module_settings_are_validated_at_start_with_one_line_naming_the_key(string setting, string expected)
    {
        var alpha = new FakeModule("Alpha", 9200)
        {
            LegacyNames = [new ConfigurationAlias("OLD_LEVEL", nameof(FakeOptions.Level))],
            Budgets = new ModuleRateLimitOptions { Reads = new() { PermitsPerSecond = 10, Burst = 10 }, Writes = new() { PermitsPerSecond = 1, Burst = 1 } },
        };
        var (exitCode, _, stderr) = await ModuleHost.RunAsync([alpha], setting);
        Assert.Equal(CrossroadsHost.InvalidConfigurationExitCode, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("crossroads: invalid configuration: ", line);
        Assert.Contains(expected, line);
    }

    [Fact]
    public async Task A_legacy_alias_wins_over_the_section_key_and_an_empty_alias_counts_as_unset()
    {
        var alpha = new FakeModule("Alpha", 9200) { LegacyNames = [new ConfigurationAlias("GREETING", nameof(FakeOptions.Greeting))] };
        await using (var host = await ModuleHost.StartAsync([alpha], "--Alpha:Greeting=section", "--GREETING=legacy"))
        {
            Assert.Equal("Alpha:legacy", await host.Client.GetStringAsync("/ping"));
        }

        await using var empty = await ModuleHost.StartAsync([alpha], "--Alpha:Greeting=section", "--GREETING=");
        Assert.Equal("Alpha:section", await empty.Client.GetStringAsync("/ping"));
    }

    [Fact]
    public async Task Each_module_gets_its_own_route_group_tag_and_metadata()
    {
        await using var host = await ModuleHost.StartAsync([new FakeModule("Alpha", 9200, "/a"), new FakeModule("Beta", 9300, "/b")]);
        Assert.Equal("Alpha:hello", await host.Client.GetStringAsync("/a/ping"));
        Assert.Equal("Beta:hello", await host.Client.GetStringAsync("/b/ping"));

        var endpoints = host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.EndsWith("/ping", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(4, endpoints.Count);
        foreach (var endpoint in endpoints)
        {
            var module = endpoint.Metadata.GetMetadata<ModuleEndpointMetadata>();
            Assert.NotNull(module);
            Assert.StartsWith(module.Identity.Name == "Alpha" ? "/a/" : "/b/", endpoint.RoutePattern.RawText);
            Assert.Contains(module.Identity.Name, endpoint.Metadata.GetMetadata<ITagsMetadata>()!.Tags);
        }
    }

    [Fact]
    public async Task A_module_uses_its_own_budgets_and_configuration_overrides_them_key_by_key()
    {
        var tight = new ModuleRateLimitOptions { Reads = new() { PermitsPerSecond = 0.001, Burst = 1 }, Writes = new() { PermitsPerSecond = 0.001, Burst = 1 } };
        await using var host = await ModuleHost.StartAsync(
            [new FakeModule("Alpha", 9200, "/a") { Budgets = tight }, new FakeModule("Beta", 9300, "/b")],
            "--RateLimits:Modules:Alpha:Reads:Burst=2",
            "--RateLimits:Reads:PermitsPerSecond=0.001",
            "--RateLimits:Reads:Burst=3");

        // Alpha: its own read budget with the burst overridden to 2 (the rate stays the module's 0.001/s).
        Assert.Equal(new[] { 200, 200, 429 }, await StatusesAsync(host.Client, "/a/ping", 3));

        // Beta declares none: the chassis default (burst 3), a separate bucket from Alpha's.
        Assert.Equal(new[] { 200, 200, 200, 429 }, await StatusesAsync(host.Client, "/b/ping", 4));
    }

    [Fact]
    public async Task A_module_partitioned_by_address_limits_per_address_whatever_key_is_presented()
    {
        string[] keys = ["--Auth:ApiKeys:0:Name=one", $"--Auth:ApiKeys:0:Sha256={ChassisServer.Sha256Hex("key-one")}", "--Auth:ApiKeys:1:Name=two", $"--Auth:ApiKeys:1:Sha256={ChassisServer.Sha256Hex("key-two")}"];
        var perAddress = new ModuleRateLimitOptions { Reads = new() { PermitsPerSecond = 0.001, Burst = 2 }, Writes = new() { PermitsPerSecond = 0.001, Burst = 1 }, PartitionBy = RateLimitScope.Address };
        var perClient = new ModuleRateLimitOptions { Reads = new() { PermitsPerSecond = 0.001, Burst = 2 }, Writes = new() { PermitsPerSecond = 0.001, Burst = 1 }, PartitionBy = RateLimitScope.Client };
        await using var host = await ModuleHost.StartAsync([new FakeModule("Alpha", 9200, "/a") { Budgets = perAddress }, new FakeModule("Beta", 9300, "/b") { Budgets = perClient }], keys);

        int[] byAddress = [await StatusAsync(host.Client, "/a/ping", "key-one"), await StatusAsync(host.Client, "/a/ping", "key-two"), await StatusAsync(host.Client, "/a/ping", "key-two")];
        Assert.Equal([200, 200, 429], byAddress);
        int[] byClient = [await StatusAsync(host.Client, "/b/ping", "key-one"), await StatusAsync(host.Client, "/b/ping", "key-one"), await StatusAsync(host.Client, "/b/ping", "key-two"), await StatusAsync(host.Client, "/b/ping", "key-two")];
        Assert.Equal([200, 200, 200, 200], byClient);
    }

    [Fact]
    public async Task Route_collisions_between_modules_are_found()
    {
        await using var host = await ModuleHost.StartAsync([new FakeModule("Alpha", 9200, "/same"), new FakeModule("Beta", 9300, "/same")]);
        var collisions = RouteCollisions.Find(host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints);
        Assert.Contains("GET /same/ping: Alpha, Beta", collisions);
        Assert.Contains("POST /same/ping: Alpha, Beta", collisions);

        await using var apart = await ModuleHost.StartAsync([new FakeModule("Alpha", 9200, "/a"), new FakeModule("Beta", 9300, "/b")]);
        Assert.Empty(RouteCollisions.Find(apart.App.Services.GetRequiredService<EndpointDataSource>().Endpoints));
    }

    [Fact]
    public async Task Help_lists_each_modules_options_budgets_aliases_and_switch_with_defaults()
    {
        var alpha = new FakeModule("Alpha", 9200)
        {
            LegacyNames = [new ConfigurationAlias("OLD_LEVEL", nameof(FakeOptions.Level))],
            Budgets = new ModuleRateLimitOptions { Reads = new() { PermitsPerSecond = 50, Burst = 100 }, Writes = new() { PermitsPerSecond = 1, Burst = 2 }, PartitionBy = RateLimitScope.Address },
        };
        var (exitCode, stdout, _) = await ModuleHost.RunAsync([alpha], "--help");
        Assert.Equal(0, exitCode);
        Assert.Contains("env Alpha__Greeting   default: hello", stdout);
        Assert.Contains("What /ping says.", stdout);
        Assert.Contains("env Alpha__Level   default: 5", stdout);
        Assert.Contains("Also read from OLD_LEVEL", stdout);
        Assert.Contains("env RateLimits__Modules__Alpha__Reads__PermitsPerSecond   default: 50", stdout);
        Assert.Contains("env RateLimits__Modules__Alpha__PartitionBy   default: Address", stdout);
        Assert.Contains("env Modules__Alpha__Enabled   default: true", stdout);
        Assert.Contains("env Listen__Port   default: 8000", stdout);
    }

    private static async Task<int[]> StatusesAsync(HttpClient client, string path, int count)
    {
        var statuses = new int[count];
        for (int i = 0; i < count; i++)
        {
            using var response = await client.GetAsync(path);
            statuses[i] = (int)response.StatusCode;
        }

        return statuses;
    }

    private static async Task<int> StatusAsync(HttpClient client, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-API-Key", key);
        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>Fails its background load the way a module with a missing data file would.</summary>
    private sealed class FailingModule : CrossroadsModule
    {
        public override ModuleIdentity Identity { get; } = new("Broken", new EventIdRange(9400, 9499));

        public override bool LoadsInBackground => true;

        public override void AddServices(ModuleServices module) =>
            module.Services.AddHostedService(sp => new FailingLoader(sp.GetRequiredKeyedService<ModuleStatus>("Broken")));

        public override void MapEndpoints(IEndpointRouteBuilder group)
        {
        }
    }

    private sealed class FailingLoader(ModuleStatus status) : Microsoft.Extensions.Hosting.BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(50, stoppingToken);
            status.MarkFailed("data file '/nowhere' is missing");
        }
    }
}
