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
