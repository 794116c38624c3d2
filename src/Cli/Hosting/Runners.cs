namespace Flock.Cli.Hosting;

/// <summary>What `flock encode` was asked to do.</summary>
public sealed record EncodeArguments(
    string Input,
    string Output,
    int? Nodes,
    double ChunkSeconds,
    string? ReportPath,
    IReadOnlyList<string> Options);

public static class SeedRunner
{
    public static Task<int> RunAsync(string? configFile, string? urls, string? dataDir, CancellationToken ct) =>
        throw new NotImplementedException();
}

public static class NodeRunner
{
    public static Task<int> RunAsync(string seed, string? name, string? configFile, CancellationToken ct) =>
        throw new NotImplementedException();
}

public static class EncodeRunner
{
    public static Task<int> RunAsync(EncodeArguments args, CancellationToken ct) => throw new NotImplementedException();
}

public static class DemoRunner
{
    public static Task<int> RunAsync(string? input, string? output, CancellationToken ct) => throw new NotImplementedException();
}
