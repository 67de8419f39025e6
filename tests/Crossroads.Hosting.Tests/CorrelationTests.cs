using System.Text.RegularExpressions;
using Crossroads.Hosting.Correlation;
using Crossroads.Hosting.Tests.Infrastructure;

namespace Crossroads.Hosting.Tests;

public sealed partial class CorrelationTests
{
    [Fact]
    public async Task A_valid_request_id_is_echoed_and_in_every_log_line_scope()
    {
        await using var server = await ChassisServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/log");
        request.Headers.Add("X-Request-ID", "client-id-42");
        using var response = await server.Client.SendAsync(request);
        Assert.Equal("client-id-42", response.Headers.GetValues("X-Request-ID").Single());
        var line = Assert.Single(server.Logs.Records, r => r.Message == "hello from endpoint");
        Assert.Equal("client-id-42", line.Scope["RequestId"]);
    }

    [Fact]
    public async Task A_missing_request_id_is_generated()
    {
        await using var server = await ChassisServer.StartAsync();
        using var response = await server.Client.GetAsync("/log");
        var id = response.Headers.GetValues("X-Request-ID").Single();
        Assert.Matches(HexId(), id);
        var line = Assert.Single(server.Logs.Records, r => r.Message == "hello from endpoint");
        Assert.Equal(id, line.Scope["RequestId"]);
    }

    [Theory]
    [InlineData(129)]
    [InlineData(500)]
    public async Task An_overlong_request_id_is_replaced(int length)
    {
        await using var server = await ChassisServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/items");
        request.Headers.Add("X-Request-ID", new string('r', length));
        using var response = await server.Client.SendAsync(request);
        Assert.Matches(HexId(), response.Headers.GetValues("X-Request-ID").Single());
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("a b-c_d.e:f/g", true)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("tab\there", false)]
    [InlineData("line\nbreak", false)]
    [InlineData("caf\u00e9", false)]
    [InlineData("\u007f", false)]
    public void Request_id_validation(string value, bool valid) => Assert.Equal(valid, RequestIds.IsValid(value));

    [Fact]
    public void Request_id_of_exactly_128_characters_is_valid() => Assert.True(RequestIds.IsValid(new string('x', 128)));

    [Fact]
    public async Task Traceparent_trace_id_is_in_the_log_scope()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        await using var server = await ChassisServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/log");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var response = await server.Client.SendAsync(request);
        var line = Assert.Single(server.Logs.Records, r => r.Message == "hello from endpoint");
        Assert.Equal(traceId, line.Scope["TraceId"]);
    }

    [Fact]
    public async Task Request_completion_is_logged_at_Debug_only()
    {
        await using var server = await ChassisServer.StartAsync();
        using var response = await server.Client.GetAsync("/items");
        var id = response.Headers.GetValues("X-Request-ID").Single();
        var ofRequest = server.Logs.Records.Where(r => r.Scope.TryGetValue("RequestId", out var v) && Equals(v, id)).ToList();
        Assert.Contains(ofRequest, r => r.EventId.Id == 1006 && r.Level == Microsoft.Extensions.Logging.LogLevel.Debug);
        Assert.DoesNotContain(ofRequest, r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Information);
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex HexId();
}
