using System.Net;
using System.Net.Http.Headers;
using Crossroads.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Tests;

public sealed class AuthTests
{
    private const string AliceKey = "secret-alice";
    private const string BobKey = "secret-bob";

    private static Task<ChassisServer> StartWithKeysAsync(params string[] extra) => ChassisServer.StartAsync(
    [
        "--Auth:ApiKeys:0:Name=alice",
        "--Auth:ApiKeys:0:Sha256=" + ChassisServer.Sha256Hex(AliceKey),
        "--Auth:ApiKeys:1:Name=bob",
        "--Auth:ApiKeys:1:Sha256=" + ChassisServer.Sha256Hex(BobKey).ToUpperInvariant(),
        .. extra,
    ]);

    [Fact]
    public async Task Write_without_key_is_401_problem_with_WWW_Authenticate()
    {
        await using var server = await StartWithKeysAsync();
        using var response = await server.Client.PostAsync("/items", null);
        var problem = await Problem.AssertShapeAsync(response, 401, "unauthorized");
        Assert.Contains("API key", problem.GetProperty("detail").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Write_with_wrong_key_is_403_problem()
    {
        await using var server = await StartWithKeysAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/items");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-key");
        using var response = await server.Client.SendAsync(request);
        await Problem.AssertShapeAsync(response, 403, "forbidden");
        Assert.Contains(server.Logs.Records, r => r.EventId.Id == 1002 && r.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Write_with_right_key_as_Bearer_is_200_and_names_the_key()
    {
        await using var server = await StartWithKeysAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/items");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AliceKey);
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Write_with_right_key_as_X_API_Key_is_200_and_key_name_is_in_log_scope()
    {
        await using var server = await StartWithKeysAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/items");
        request.Headers.Add("X-API-Key", BobKey);
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("bob", await response.Content.ReadAsStringAsync());
        var line = Assert.Single(server.Logs.Records, r => r.Message == "write accepted");
        Assert.Equal("bob", line.Scope["ApiKey"]);
        Assert.Equal(response.Headers.GetValues("X-Request-ID").Single(), line.Scope["RequestId"]);
    }

    [Fact]
    public async Task Reads_need_no_key_unless_RequireKeyForReads()
    {
        await using (var open = await StartWithKeysAsync())
        {
            using var response = await open.Client.GetAsync("/items");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var closed = await StartWithKeysAsync("--Auth:RequireKeyForReads=true");
        using (var response = await closed.Client.GetAsync("/items"))
        {
            await Problem.AssertShapeAsync(response, 401, "unauthorized");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/items");
        request.Headers.Add("X-API-Key", AliceKey);
        using var authorized = await closed.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
    }

    [Fact]
    public async Task Probes_and_metrics_need_no_key_even_when_reads_do()
    {
        await using var server = await StartWithKeysAsync("--Auth:RequireKeyForReads=true");
        foreach (var path in new[] { "/livez", "/readyz", "/startupz", "/health/live", "/health/ready", "/health/startup", "/metrics" })
        {
            using var response = await server.Client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Keys_can_come_from_ApiKeysFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"crossroads-keys-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, $$"""[{"Name":"carol","Sha256":"{{ChassisServer.Sha256Hex("secret-carol").ToUpperInvariant()}}"}]""");
        try
        {
            await using var server = await ChassisServer.StartAsync(["--Auth:ApiKeysFile=" + path]);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/items");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "secret-carol");
            using var response = await server.Client.SendAsync(request);
            Assert.Equal("carol", await response.Content.ReadAsStringAsync());
            using var anonymous = await server.Client.PostAsync("/items", null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Without_keys_loopback_writes_are_accepted_and_a_warning_is_logged_at_start()
    {
        await using var server = await ChassisServer.StartAsync();
        using var response = await server.Client.PostAsync("/items", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("anonymous", await response.Content.ReadAsStringAsync());
        Assert.Contains(server.Logs.Records, r => r.EventId.Id == 1000 && r.Level == LogLevel.Warning);
    }
}
