namespace Flock.Cli.Hosting;

/// <summary>What `flock encode` was asked to do.</summary>
public sealed record EncodeArguments(
    string Input,
    string Output,
    int? Nodes,
    double ChunkSeconds,
    string? ReportPath,
    IReadOnlyList<string> Options,
    string Hdr = "warn");
