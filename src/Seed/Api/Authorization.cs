using Flock.Messages.Cluster;
using Microsoft.AspNetCore.Http;

namespace Flock.Seed.Api;

/// <summary>Bearer checks: the admin token guards the job API (when configured), the per-node transfer token guards chunk bytes.</summary>
internal static class Authorization
{
    public static string? BearerOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
    }

    public static bool IsAdmin(HttpContext context, string adminToken) =>
        adminToken.Length == 0 || (BearerOf(context) is { } t && ClusterKey.FixedEquals(t, adminToken));

    public static string? NodeOf(HttpContext context, ClusterKey key) => key.ValidateTransferToken(BearerOf(context));
}
