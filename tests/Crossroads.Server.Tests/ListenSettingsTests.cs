using Crossroads.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Crossroads.Server.Tests;

/// <summary>HOST and PORT as the Python service read them.</summary>
public sealed class ListenSettingsTests
{
    /// <summary>The URL the server listens on for these settings, read back from the built application.</summary>
    private static string ListenUrl(params (string Key, string Value)[] values)
    {
        string[] args = [.. values.SelectMany(v => new[] { $"--{v.Key}", v.Value })];
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateEmptyBuilder(new() { Args = args });
        builder.Configuration.AddCommandLine(args);
        builder.AddCrossroadsHosting();
        return builder.WebHost.GetSetting(Microsoft.AspNetCore.Hosting.WebHostDefaults.ServerUrlsKey) ?? "";
    }

    [Theory]
    [InlineData(null, null, "http://0.0.0.0:8000")]
    [InlineData("", "", "http://0.0.0.0:8000")] // empty counts as unset, as in a container env file
    [InlineData("127.0.0.1", "9001", "http://127.0.0.1:9001")]
    [InlineData("::1", "9002", "http://[::1]:9002")]
    [InlineData("localhost", null, "http://localhost:8000")]
    public void Listen_url_follows_HOST_and_PORT(string? host, string? port, string expected)
    {
        var values = new List<(string, string)>();
        if (host is not null)
        {
            values.Add(("HOST", host));
        }

        if (port is not null)
        {
            values.Add(("PORT", port));
        }

        Assert.Equal(expected, ListenUrl([.. values]));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    public void Bad_PORT_stops_the_start_naming_it(string port)
    {
        var e = Assert.Throws<OptionsValidationException>(() => ListenUrl(("PORT", port)));
        Assert.StartsWith("Listen:Port (PORT):", Assert.Single(e.Failures));
    }

    [Fact]
    public async Task HOST_and_PORT_win_over_the_container_preset_ASPNETCORE_HTTP_PORTS()
    {
        int port = FreePort.OnLoopback();
        await using var server = ChildServerFor(port);
        await server.WaitUntilReadyAsync();
        using var response = await server.Client.GetAsync("/health");
        Assert.True(response.IsSuccessStatusCode, $"server not on PORT={port}: {response.StatusCode}");
    }

    private static ChildProcessServer ChildServerFor(int port) =>
        Infrastructure.ChildServer.StartBundledWithoutUrls(new Dictionary<string, string>
        {
            ["ASPNETCORE_HTTP_PORTS"] = "1", // what a base image presets; must lose to PORT
            ["HOST"] = "127.0.0.1",
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, port);
}
