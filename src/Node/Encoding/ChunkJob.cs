using Flock.Messages.Chunks;

namespace Flock.Node.Encoding;

/// <summary>An assignment on this node, from reserve to uploaded.</summary>
public sealed class ChunkJob(AssignChunk assignment)
{
    public AssignChunk Assignment { get; } = assignment;

    public string Key => $"{Assignment.JobId}/{Assignment.ChunkIndex}/{Assignment.Attempt}";

    public CancellationTokenSource Cancellation { get; } = new();

    public string? ResultFile { get; set; }

    public bool UploadInFlight { get; set; }
}
