using System.Net;
using System.Text;
using Crossroads.Hosting.Tests.Infrastructure;

namespace Crossroads.Hosting.Tests;

/// <summary>
/// Header values with bytes that are not UTF-8 (RFC 9110's obs-text, e.g. a Latin-1 'é') reach the chassis, which
/// judges them where they are used, instead of Kestrel's empty 400 before any middleware runs; UTF-8 still reads as UTF-8.
/// </summary>
public sealed class HeaderEncodingTests
{
    private const string AliceKey = "secret-alice";

    [Fact]
    public async Task A_header_nobody_reads_with_a_Latin1_byte_does_not_stop_the_request()
    {
        await using var server = await ChassisServer.StartAsync();
        using var response = await SendLatin1Async(server, HttpMethod.Get, "User-Agent", "caf\u00e9-client/1.0");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("read", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_request_id_with_a_Latin1_byte_is_replaced_not_echoed()
    {
        await using var server = await ChassisServer.StartAsync();
        using var response = await SendLatin1Async(server, HttpMethod.Get, "X-Request-ID", "caf\u00e9");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = response.Headers.GetValues("X-Request-ID").Single();
        Assert.Matches("^[0-9a-f]{32}$", echoed);
    }

    [Fact]
    public async Task An_API_key_with_a_Latin1_byte_is_a_403_problem_like_any_wrong_key()
    {
        await using var server = await ChassisServer.StartAsync(
        [
            "--Auth:ApiKeys:0:Name=alice",
            "--Auth:ApiKeys:0:Sha256=" + ChassisServer.Sha256Hex(AliceKey),
        ]);
        using var response = await SendLatin1Async(server, HttpMethod.Post, "Authorization", "Bearer secret-alic\u00e9");
        await Problem.AssertShapeAsync(response, 403, "forbidden");
    }

    [Fact]
    public async Task A_UTF8_header_value_still_reads_as_UTF8()
    {
        const string key = "cl\u00e9-secr\u00e8te";
        await using var server = await ChassisServer.StartAsync(
        [
            "--Auth:ApiKeys:0:Name=alice",
            "--Auth:ApiKeys:0:Sha256=" + ChassisServer.Sha256Hex(key),
        ]);
        using var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = static (_, _) => Encoding.UTF8 }) { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/items");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice", await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// <paramref name="method"/> /items with one header written in Latin-1: HttpClient refuses non-ASCII header values
    /// unless told which encoding to write them in.
    /// </summary>
    private static async Task<HttpResponseMessage> SendLatin1Async(ChassisServer server, HttpMethod method, string header, string value)
    {
        using var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = static (_, _) => Encoding.Latin1 }) { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(method, "/items");
        request.Headers.TryAddWithoutValidation(header, value);
        return await client.SendAsync(request);
    }
}
