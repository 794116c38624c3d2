using Flock.Messages.Chunks;
using Flock.Messages.Cluster;
using Xunit;

namespace Flock.Tests.Unit.Messages;

/// <summary>One filled-in message of every kind, keyed by the discriminator the protocol promises for it.</summary>
internal static class ControlMessageSamples
{
    public static readonly IReadOnlyDictionary<string, ControlMessage> ByType = new Dictionary<string, ControlMessage>
    {
        ["open-session"] = new OpenSession(2),
        ["challenge"] = new Challenge("5eed", 1),
        ["join-cluster"] = new JoinCluster(1, "node-a", "n0de", "proof", "ffmpeg 7.1", ["libx264", "libx265"], 8,
            [new HeldResult("job-1", 3, 2), new HeldResult("job-2", 0, 1)]),
        ["join-accepted"] = new JoinAccepted("node-a#1", "proof", TimeSpan.FromMilliseconds(2500)),
        ["join-rejected"] = new JoinRejected("wrong cluster key"),
        ["fetch-source-bytes"] = new FetchSourceBytes("7", 65536, null, new SourceByteSpan(4096, 40_000_000, 60_000_000)),
        ["send-chunk-result"] = new SendChunkResult("7", 4, 2, false, 1_048_576, new string('a', 64)),
        ["fetch-chunk-result-outcome"] = new FetchChunkResultOutcome("7", 4, 2, true),
        ["fetch-chunk-result-outcome-response"] = new FetchChunkResultOutcomeResponse(false, false, "checksum mismatch: the bytes the seed holds are not the file the node hashed; send it again"),
        ["fetch-second-pass-rate"] = new FetchSecondPassRate("7", 4, 2, 1.75, RateWanted: true, new FirstPassBits(900_000, 60_000, 40_000, 23, -0.25), MayRunFirstPassAgain: true),
        ["fetch-second-pass-rate-response"] = new FetchSecondPassRateResponse(null, 31.5, RunFirstPassAgain: true),
        ["report-benchmark"] = new ReportBenchmark(1.25, 118.5),
        ["heartbeat"] = new Heartbeat(new DateTimeOffset(2025, 3, 1, 12, 30, 15, 250, TimeSpan.FromHours(2))),
        ["request-work"] = new RequestWork(2),
        ["assign-chunk"] = new AssignChunk("job-1", 4, 2, "/jobs/job-1/source", 40.0000390625,
            512000, null, 0, 12800, ["-c:v", "libx264", "-crf", "20"], "scale=640:-2", 250),
        ["cancel-chunk"] = new CancelChunk("job-1", 4, 2, "job cancelled"),
        ["report-chunk-progress"] = new ReportChunkProgress("job-1", 4, 2, 120, 33.5),
        ["report-member"] = new ReportMember("akka.ssl.tcp://flock@10.0.0.7:40123"),
        ["report-chunk-failed"] = new ReportChunkFailed("job-1", 4, 2, "Error while decoding\n\"quoted\" line"),
        ["leave-cluster"] = new LeaveCluster("shutting down"),
        ["node-downed"] = new NodeDowned("downed by an operator"),
    };

    public static TheoryData<string> Types => [.. ByType.Keys];
}
