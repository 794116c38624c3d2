using Flock.Messages.Cluster;
using Flock.Seed.Security;
using Microsoft.AspNetCore.Http;

namespace Flock.Seed.Api;

/// <summary>Bearer checks: API tokens guard the job API (reads for read-only tokens, everything for the admin), the per-node transfer token guards chunk bytes.</summary>
internal static class Authorization
{
    public static string? BearerOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
    }

    /// <returns>null when the request may go on, else the refusal to send.</returns>
    public static async Task<IResult?> CheckApiAsync(HttpContext context, SeedRuntime seed)
    {
        var access = seed.Tokens.Check(BearerOf(context));
        if (access == ApiAccess.None)
        {
            var throttled = await seed.AuthFailures.FailAsync(ForwardedClient.AddressOf(context, seed.Tokens.Admin), context.RequestAborted);
            return throttled
                ? ApiResults.Error(429, "too many failed attempts from this address: slow down")
                : ApiResults.Error(401, "a valid token is required (FLOCK_TOKEN or --token)");
        }
        var reads = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        return access == ApiAccess.ReadOnly && !reads ? ApiResults.Error(403, "this token is read-only: it can list and show, not submit or cancel") : null;
    }
}
