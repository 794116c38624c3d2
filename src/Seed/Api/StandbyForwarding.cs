using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Flock.Seed.Cluster;
using Flock.Seed.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Flock.Seed.Api;

/// <summary>
/// The web side of a seed member that does not coordinate: every request (job API, pbm, dashboard, enrollment) is
/// forwarded to the coordinating member's web side with YARP, so any seed member gives the same answers and no
/// job message ever crosses between members. Only `/healthz` and `/metrics` are this member's own.
/// </summary>
public static class StandbyForwarding
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A coordinator cut off without a close answers nothing on a pooled connection: YARP's default 100 s of silence
    /// held every forwarded request that long. The coordinator's own questions to its actors give up after 30 s.
    /// </summary>
    private static readonly ForwarderRequestConfig Quiet = new() { ActivityTimeout = TimeSpan.FromSeconds(35) };

    /// <param name="secret">what the members sign their clients' addresses with (<see cref="ForwardedClient"/>): the shared admin token.</param>
    public static void Use(WebApplication app, Func<Akka.Cluster.Cluster> cluster, SeedMemberRegistry registry, X509Certificate2? sharedCertificate, string secret, ILogger log)
    {
        var transformer = new VouchForClient(secret);
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = ConnectTimeout,
            // The members serve one certificate from the shared dir: the coordinator must present exactly it.
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = SeedMemberCertificate.Validator(sharedCertificate) },
        });
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/healthz") || context.Request.Path.StartsWithSegments("/metrics"))
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            var members = cluster();
            var coordinator = Coordinator.Of(members);
            if (coordinator is not null && coordinator.UniqueAddress.Equals(members.SelfUniqueAddress))
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            var target = coordinator is null ? null : registry.UrlOf(coordinator.Address.ToString());
            if (target is null)
            {
                await RefuseAsync(context, coordinator is null
                    ? "this seed member has no coordinator yet (joining the cluster, or the coordinator was lost and another is taking over): try again or ask another seed member"
                    : $"this seed member stands by and does not know where the coordinator {coordinator.Address} serves: ask another seed member").ConfigureAwait(false);
                return;
            }
            var error = await forwarder.SendAsync(context, target.GetLeftPart(UriPartial.Authority), invoker, Quiet, transformer).ConfigureAwait(false);
            if (error == ForwarderError.None) return;
            log.LogDebug("forwarding {Path} to the coordinator at {Target}: {Error}", context.Request.Path, target, error);
            // 503 says nothing was done here: clients with several seed addresses try the next, a submit included.
            if (!context.Response.HasStarted && error is ForwarderError.Request or ForwarderError.RequestTimedOut)
                await RefuseAsync(context, $"this seed member stands by and cannot reach the coordinator's web side at {target.GetLeftPart(UriPartial.Authority)}: try again or ask another seed member").ConfigureAwait(false);
        });
    }

    /// <summary>Forwards the request as it came, with the client's address vouched for in place of any the client sent itself.</summary>
    private sealed class VouchForClient(string secret) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            proxyRequest.Headers.Remove(ForwardedClient.Header);
            if (httpContext.Connection.RemoteIpAddress is { } client)
                proxyRequest.Headers.TryAddWithoutValidation(ForwardedClient.Header, ForwardedClient.Vouch(client, secret));
        }
    }

    private static Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.Clear();
        return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, message).ExecuteAsync(context);
    }
}
