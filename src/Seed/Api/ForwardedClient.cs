using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Flock.Seed.Api;

/// <summary>
/// Where a request really came from when a standby seed member forwarded it to the coordinator, which otherwise sees
/// only the standby's address: the standby vouches for its client's address in a header signed with the admin token,
/// which the seed members share and no node holds. The throttle of failed logins then counts each client, and one
/// client's guesses through a standby no longer hold back every other request that standby forwards. A header with a
/// wrong or no signature is ignored: a client cannot put its failures on another address.
/// </summary>
public static class ForwardedClient
{
    public const string Header = "X-Flock-Forwarded-For";

    /// <summary>The header's value for a request from <paramref name="client"/>.</summary>
    public static string Vouch(IPAddress client, string secret) => $"{client} {Signature(client, secret)}";

    /// <summary>The client a standby vouched for, else the connection's own address.</summary>
    public static IPAddress? AddressOf(HttpContext context, string secret)
    {
        var remote = context.Connection.RemoteIpAddress;
        var value = context.Request.Headers[Header].ToString().Split(' ');
        if (value.Length != 2 || !IPAddress.TryParse(value[0], out var client)) return remote;
        var signed = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(value[1]), Encoding.ASCII.GetBytes(Signature(client, secret)));
        return signed ? client : remote;
    }

    private static string Signature(IPAddress client, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"flock forwarded for {client}")));
}
