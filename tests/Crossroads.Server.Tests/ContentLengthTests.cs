using System.Net.Sockets;
using System.Text;

namespace Crossroads.Server.Tests;

/// <summary>Small answers go out with Content-Length, not chunked: checked on the raw bytes, as HttpClient hides framing.</summary>
public sealed class ContentLengthTests(HandMadeTableFixture fixture) : IClassFixture<HandMadeTableFixture>
{
    [Theory]
    [InlineData("/destination/1.0.167.5", "200")]
    [InlineData("/destination/10.1.2.3", "200")]
    [InlineData("/destination/zzz", "400")]
    [InlineData("/destination/192.0.2.1", "404")]
    public async Task A_lookup_answer_carries_Content_Length_matching_its_body(string path, string status)
    {
        var (head, body) = await RawGetAsync(path);
        Assert.StartsWith("HTTP/1.1 " + status, head);
        Assert.DoesNotContain("transfer-encoding", head, StringComparison.OrdinalIgnoreCase);
        var length = head.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(Encoding.UTF8.GetByteCount(body), int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("{", body);
    }

    /// <summary>A found route is written without the serializer; its bytes must still be the serialized record's.</summary>
    [Theory]
    [InlineData("1.0.167.5", "1.0.167.0/24", "192.168.2.1")]
    [InlineData("10.1.2.0%2F24", "10.1.2.0/24", "172.16.0.1")]
    [InlineData("2001:db8:5::1", "2001:db8::/32", "fe80::9")]
    [InlineData("2001:DB8:0001:0002:0000:0000:0000:0005", "2001:db8:1:2::/64", "fe80::1")]
    public async Task A_found_route_is_answered_with_the_bytes_of_the_serialized_response(string address, string dst, string nh)
    {
        var (head, body) = await RawGetAsync("/destination/" + address);
        Assert.StartsWith("HTTP/1.1 200", head);
        Assert.Contains("Content-Type: application/json; charset=utf-8", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(new Crossroads.Server.RoutingTable.DestinationResponse(dst, nh)), body);
    }

    private async Task<(string Head, string Body)> RawGetAsync(string path)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Server.BaseAddress.Host, fixture.Server.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string all = await reader.ReadToEndAsync();
        int split = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (all[..split], all[(split + 4)..]);
    }
}
