using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Messages.Security;
using Flock.Seed.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Api;

/// <summary>
/// Enrollment: a node proves the cluster key and gets a certificate from the cluster's authority for its own key, the
/// only thing Akka.Remote's handshake lets into the cluster. Wrong proofs cost the guesser like any auth failure.
/// </summary>
internal static class EnrollmentEndpoints
{
    public static void Map(IEndpointRouteBuilder app, SeedRuntime seed, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("flock.seed.enrollment");
        var challenges = new EnrollmentChallenges(TimeProvider.System);

        app.MapPost("/api/cluster/challenge", () => ApiResults.Ok(new EnrollmentChallengeResponse(challenges.Create(), Protocol.Version)));

        app.MapPost("/api/cluster/enroll", async (HttpContext http, CancellationToken ct) =>
        {
            EnrollNode? request;
            try { request = await JsonSerializer.DeserializeAsync<EnrollNode>(http.Request.Body, WireJson.Options, ct); }
            catch (JsonException e) { return ApiResults.Error(400, $"malformed request: {e.Message}"); }
            if (seed.Authority is not { } authority || seed.MemberAddress() is not { } seedAddress)
                return ApiResults.Error(409, "this seed runs no cluster transport (an embedded cluster): nothing to enroll in");
            if (request is null || request.Name is null || request.SeedNonce is null || request.NodeNonce is null || request.CertificateRequest is null || request.Proof is null)
                return ApiResults.Error(400, "expected name, seedNonce, nodeNonce, certificateRequest and proof");
            if (!NodeNames.IsValid(request.Name)) return ApiResults.Error(400, NodeNames.Rule);
            if (!challenges.Redeem(request.SeedNonce)) return ApiResults.Error(400, "unknown or expired challenge: ask for a new one");
            CertificateRequest memberRequest;
            try { memberRequest = ClusterCertificates.LoadRequest(request.CertificateRequest); }
            catch (ArgumentException e) { return ApiResults.Error(400, e.Message); }
            var keyDigest = ClusterCertificates.Digest(memberRequest.PublicKey.ExportSubjectPublicKeyInfo());
            var from = ForwardedClient.AddressOf(http, seed.Tokens.Admin);
            if (!ClusterKey.FixedEquals(request.Proof, seed.Key.EnrollProof(request.SeedNonce, request.NodeNonce, request.Name, keyDigest)))
            {
                log.LogWarning("node {Node} from {Address} refused enrollment: wrong cluster key", request.Name, from);
                var throttled = await seed.AuthFailures.FailAsync(from, ct);
                if (!throttled) await Task.Delay(AuthFailures.Penalty, ct);
                return ApiResults.Error(403, throttled ? "wrong cluster key (too many failed attempts from this address: slow down)" : "wrong cluster key");
            }
            using var certificate = authority.Issue(memberRequest, request.Name);
            var authorityPem = authority.PublicPem;
            log.LogInformation("node {Node} enrolled from {Address}: certificate {Serial}", request.Name, from, certificate.SerialNumber);
            return ApiResults.Ok(new NodeEnrolledResponse(certificate.ExportCertificatePem(), authorityPem, seedAddress,
                seed.Key.EnrolledProof(request.SeedNonce, request.NodeNonce, request.Name, ClusterCertificates.Digest(certificate.RawData),
                    ClusterCertificates.Digest(authority.Certificate.RawData)))
            { StableAfterSeconds = seed.Options.UnreachableAfter.TotalSeconds });
        });
    }
}
