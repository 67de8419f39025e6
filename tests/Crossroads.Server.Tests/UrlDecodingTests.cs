using Crossroads.Server.Tests.Infrastructure;

namespace Crossroads.Server.Tests;

/// <summary>
/// A path segment is percent-decoded once. <c>%252F</c> is the text <c>%2F</c> (an escaped percent sign followed by
/// "2F"), which is not an address or a prefix; decoding it a second time into "/" would make the server accept text
/// no client sent.
/// </summary>
public sealed class UrlDecodingTests(HandMadeTableFixture fixture) : IClassFixture<HandMadeTableFixture>
{
    [Theory]
    [InlineData("10.0.0.0%252F8")]
    [InlineData("10.0.0.0%252F8/explain")]
    [InlineData("%2531%2530.0.0.1")]
    public async Task Lookup_decodes_the_address_once(string ip)
    {
        var answer = await Api.LookupAsync(fixture.Server.Client, ip);
        Api.AssertProblem(answer, 400);
    }

    [Fact]
    public async Task Update_decodes_the_prefix_once()
    {
        // Read-only fixture: a correct server rejects this with 400 and changes nothing; a double-decoding one would apply it,
        // so the assertion runs on a server of its own.
        using var directory = new TempDirectory();
        await using var server = await RoutingServer.StartAsync(directory, HandMadeTable.Routes);
        var answer = await Api.PutAsync(server.Client, "/prefix/10.0.0.0%252F8/nh/192.168.10.1/metric/5/match/exact");
        Api.AssertProblem(answer, 400);
    }
}
