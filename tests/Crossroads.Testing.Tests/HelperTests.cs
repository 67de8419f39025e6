using System.Net;
using System.Net.Sockets;

namespace Crossroads.Testing.Tests;

public sealed class HelperTests
{
    [Fact]
    public void TempDirectory_writes_inside_itself_and_dispose_removes_everything()
    {
        string path;
        using (var directory = new TempDirectory("crossroads-helper-test-"))
        {
            path = directory.Path;
            Assert.StartsWith("crossroads-helper-test-", Path.GetFileName(path), StringComparison.Ordinal);
            Assert.Equal(Path.Combine(path, "a.txt"), directory.Write("a.txt", "é\n"));
            Assert.Equal([0xC3, 0xA9, 0x0A], File.ReadAllBytes(Path.Combine(path, "a.txt"))); // UTF-8, no BOM
            directory.WriteText("b.txt", "b");
            directory.WriteBytes("c.bin", [1, 2, 3]);
            File.WriteAllText(Path.Combine(directory.Subdirectory("nested"), "d.txt"), "d");
        }

        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public void TempDirectory_gzip_round_trips()
    {
        using var input = new MemoryStream(TempDirectory.Gzip("10.0.0.0/8;192.168.1.1\n"));
        using var gzip = new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        Assert.Equal("10.0.0.0/8;192.168.1.1\n", reader.ReadToEnd());
    }

    [Fact]
    public void FreePort_is_a_loopback_port_that_can_be_bound()
    {
        int port = FreePort.OnLoopback();
        Assert.InRange(port, 1, 65535);
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
    }

    [Fact]
    public async Task WaitUntilOk_stops_as_soon_as_the_server_is_gone()
    {
        using var client = LoopbackHttp.NewClient(LoopbackHttp.BaseAddress(FreePort.OnLoopback()));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => LoopbackHttp.WaitUntilOkAsync(client, "/health/ready", TimeSpan.FromSeconds(30), () => true));
        Assert.Contains("stopped", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitUntilOk_times_out_when_nothing_answers()
    {
        using var client = LoopbackHttp.NewClient(LoopbackHttp.BaseAddress(FreePort.OnLoopback()));
        await Assert.ThrowsAsync<TimeoutException>(() => LoopbackHttp.WaitUntilOkAsync(client, "/health/ready", TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void A_child_server_without_urls_needs_its_port()
    {
        Assert.Throws<ArgumentException>(() => ChildProcessServer.Start(new ChildProcessServerOptions { Dll = "unused.dll", PassUrls = false }));
    }
}
