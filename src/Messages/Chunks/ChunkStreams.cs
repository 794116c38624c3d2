namespace Flock.Messages.Chunks;

/// <summary>How chunk bytes cross between members as StreamRefs: source bytes to nodes and results back alike.</summary>
public static class ChunkStreams
{
    /// <summary>64 KiB: a remote message over maximum-frame-size (128000 bytes) would hang the stream, not fail it.</summary>
    public const int ElementBytes = 64 * 1024;
}
