using System.Net;
using System.Net.Sockets;

namespace LeadScoring.Testing;

/// <summary>Loopback ports: a free one to listen on, and whether something listens on one yet.</summary>
public static class Ports
{
    /// <summary>A loopback port nothing listens on right now (the OS picks it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether 127.0.0.1:<paramref name="port"/> accepts a TCP connection.</summary>
    public static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
