using System.Text.Json.Serialization;
using Flock.Messages.Chunks;

namespace Flock.Messages.Cluster;

/// <summary>
/// Everything that travels between a node's seed link and its session actor on the seed, over Akka.Remote. Each is
/// one JSON object discriminated by "type" (the Akka manifest too), so a reader rejects what it does not know without
/// guessing and no CLR type name ever crosses the wire.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(OpenSession), "open-session")]
[JsonDerivedType(typeof(Challenge), "challenge")]
[JsonDerivedType(typeof(JoinCluster), "join-cluster")]
[JsonDerivedType(typeof(JoinAccepted), "join-accepted")]
[JsonDerivedType(typeof(JoinRejected), "join-rejected")]
[JsonDerivedType(typeof(ReportBenchmark), "report-benchmark")]
[JsonDerivedType(typeof(Heartbeat), "heartbeat")]
[JsonDerivedType(typeof(RequestWork), "request-work")]
[JsonDerivedType(typeof(AssignChunk), "assign-chunk")]
[JsonDerivedType(typeof(CancelChunk), "cancel-chunk")]
[JsonDerivedType(typeof(ReportChunkProgress), "report-chunk-progress")]
[JsonDerivedType(typeof(ReportChunkFailed), "report-chunk-failed")]
[JsonDerivedType(typeof(LeaveCluster), "leave-cluster")]
[JsonDerivedType(typeof(NodeDowned), "node-downed")]
[JsonDerivedType(typeof(ReportMember), "report-member")]
[JsonDerivedType(typeof(FetchSourceBytes), "fetch-source-bytes")]
[JsonDerivedType(typeof(SendChunkResult), "send-chunk-result")]
[JsonDerivedType(typeof(FetchChunkResultOutcome), "fetch-chunk-result-outcome")]
[JsonDerivedType(typeof(FetchChunkResultOutcomeResponse), "fetch-chunk-result-outcome-response")]
[JsonDerivedType(typeof(FetchSecondPassRate), "fetch-second-pass-rate")]
[JsonDerivedType(typeof(FetchSecondPassRateResponse), "fetch-second-pass-rate-response")]
public abstract record ControlMessage;
