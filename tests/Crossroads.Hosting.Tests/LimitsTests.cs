using System.Net;
using Crossroads.Hosting.Tests.Infrastructure;

namespace Crossroads.Hosting.Tests;

public sealed class LimitsTests
{
    [Fact]
    public async Task Url_over_the_limit_is_414_problem()
    {
        await using var server = await ChassisServer.StartAsync(["--Limits:MaxUrlLength=100"]);
        using var ok = await server.Client.GetAsync("/items?q=" + new string('a', 80));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var response = await server.Client.GetAsync("/items?q=" + new string('a', 100));
        var problem = await Problem.AssertShapeAsync(response, 414, "uri-too-long");
        Assert.Contains("limit is 100", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Default_url_limit_is_2048()
    {
        await using var server = await ChassisServer.StartAsync();
        using var response = await server.Client.GetAsync("/items?q=" + new string('a', 2100));
        await Problem.AssertShapeAsync(response, 414, "uri-too-long");
    }

    [Fact]
    public async Task Body_with_declared_length_over_the_limit_is_413_problem()
    {
        await using var server = await ChassisServer.StartAsync(["--Limits:MaxRequestBodySize=1000"]);
        using var response = await server.Client.PostAsync("/upload", new ByteArrayContent(new byte[1001]));
        var problem = await Problem.AssertShapeAsync(response, 413, "content-too-large");
        Assert.Contains("limit is 1000 bytes", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413_problem_not_500()
    {
        await using var server = await ChassisServer.StartAsync(["--Limits:MaxRequestBodySize=1000"]);
        using var content = new StreamContent(new MemoryStream(new byte[5000]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await server.Client.SendAsync(request);
        await Problem.AssertShapeAsync(response, 413, "content-too-large");
    }

    [Fact]
    public async Task Body_under_the_limit_is_read()
    {
        await using var server = await ChassisServer.StartAsync(["--Limits:MaxRequestBodySize=1000"]);
        using var response = await server.Client.PostAsync("/upload", new ByteArrayContent(new byte[1000]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1000", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Request_over_the_timeout_is_504_problem()
    {
        await using var server = await ChassisServer.StartAsync(["--Limits:RequestTimeoutSeconds=0.3"]);
        using var response = await server.Client.GetAsync("/slow");
        await Problem.AssertShapeAsync(response, 504, "timeout");
    }

    [Fact]
    public async Task Headers_over_the_limit_are_rejected_by_Kestrel_with_431()
    {
        await using var server = await ChassisServer.StartAsync(["--Limits:MaxRequestHeadersTotalSize=2048"]);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/items");
        request.Headers.Add("X-Padding", new string('p', 4096));
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }
}
