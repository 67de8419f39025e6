using System.Net;
using System.Net.Sockets;

namespace Crossroads.Testing;

/// <summary>Free TCP ports on 127.0.0.1, for servers that must be told their port up front.</summary>
public static class FreePort
{
    /// <summary>
    /// A port the kernel just handed out for 127.0.0.1 and that is free again when this returns. Another process
    /// could take it before the server binds it; the kernel hands out ephemeral ports in turn, so that is rare, and
    /// in-process servers avoid it entirely by binding port 0 themselves.
    /// </summary>
    public static int OnLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
