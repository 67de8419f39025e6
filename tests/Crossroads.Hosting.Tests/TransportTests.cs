using System.Net;
using Crossroads.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crossroads.Hosting.Tests;

public sealed class TransportTests
{
    [Fact]
    public async Task Handlers_run_on_the_thread_pool_by_default()
    {
        await using var server = await ChassisServer.StartAsync();
        Assert.False(server.App.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public async Task Inline_scheduling_reaches_kestrels_socket_transport_and_requests_are_served()
    {
        // The runtime reads the variable once per process: pinned to its default ("0" = off, as unset) so this test
        // cannot switch the other tests' sockets to inline completions; an operator's own value is kept.
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "0");
        await using var server = await ChassisServer.StartAsync(["--Transport:InlineScheduling=true"]);
        Assert.Equal("0", Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"));
        Assert.True(server.App.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
        using var read = await server.Client.GetAsync("/items");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var upload = await server.Client.PostAsync("/upload", new ByteArrayContent(new byte[100_000]));
        Assert.Equal("100000", await upload.Content.ReadAsStringAsync());
    }
}
