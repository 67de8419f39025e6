using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Crossroads.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Crossroads.Hosting.Tests;

public sealed class ProblemDetailsTests
{
    [Fact]
    public async Task Unmatched_route_is_404_problem_naming_method_and_path()
    {
        await using var server = await ChassisServer.StartAsync();
        using var response = await server.Client.GetAsync("/no/such/thing");
        var problem = await Problem.AssertShapeAsync(response, 404, "not-found");
        Assert.Contains("GET /no/such/thing", problem.GetProperty("detail").GetString());
        Assert.Equal("/no/such/thing", problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task Wrong_method_is_405_problem()
    {
        await using var server = await ChassisServer.StartAsync();
        using var response = await server.Client.DeleteAsync("/items");
        var problem = await Problem.AssertShapeAsync(response, 405, "method-not-allowed");
        Assert.Contains("DELETE", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Unhandled_exception_is_500_problem_without_internals_and_is_logged()
    {
        await using var server = await ChassisServer.StartAsync();
        using var response = await server.Client.GetAsync("/boom");
        var problem = await Problem.AssertShapeAsync(response, 500, "internal-error");
        var body = problem.GetRawText();
        Assert.DoesNotContain("secret internal detail", body);
        Assert.DoesNotContain("InvalidOperationException", body);
        Assert.DoesNotContain(" at ", body);
        var logged = Assert.Single(server.Logs.Records, r => r.EventId.Id == 1016);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.IsType<InvalidOperationException>(logged.Exception);
        Assert.Equal(problem.GetProperty("requestId").GetString(), logged.Scope["RequestId"]);
    }

    [Fact]
    public async Task An_empty_error_answer_gets_a_problem_unless_the_endpoint_turned_status_code_pages_off()
    {
        await using var server = await ChassisServer.StartAsync();
        using var on = await server.Client.GetAsync("/empty-error?pages=true");
        Assert.Equal(HttpStatusCode.Conflict, on.StatusCode);
        Assert.Equal("application/problem+json", on.Content.Headers.ContentType?.MediaType);
        Assert.Equal(409, JsonDocument.Parse(await on.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());

        using var off = await server.Client.GetAsync("/empty-error?pages=false");
        Assert.Equal(HttpStatusCode.Conflict, off.StatusCode);
        Assert.Empty(await off.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Module_TypedResults_Problem_gets_the_shared_shape()
    {
        await using var server = await ChassisServer.StartAsync();
        using var response = await server.Client.GetAsync("/problem");
        var problem = await Problem.AssertShapeAsync(response, 400, "bad-request");
        Assert.Equal("The address 'x' is not valid.", problem.GetProperty("detail").GetString());
        Assert.Equal("Bad Request", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Problems_are_json_even_when_the_client_asks_for_html()
    {
        await using var server = await ChassisServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/missing");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var response = await server.Client.SendAsync(request);
        await Problem.AssertShapeAsync(response, 404, "not-found");
    }

    [Fact]
    public async Task Health_without_suffix_is_not_mapped_by_the_chassis()
    {
        await using var server = await ChassisServer.StartAsync();
        using var response = await server.Client.GetAsync("/health");
        await Problem.AssertShapeAsync(response, 404, "not-found");
    }
}
