using System.Net;
using System.Net.Sockets;

namespace Flock.Tests.Support;

/// <summary>Clients on addresses of their own: any 127/8 address is this machine's, so a test can be several clients at once.</summary>
public static class LoopbackSource
{
    /// <summary>A handler whose connections come from <paramref name="local"/>.</summary>
    public static SocketsHttpHandler From(IPAddress local) => new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
