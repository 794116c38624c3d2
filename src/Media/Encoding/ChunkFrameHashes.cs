using Flock.Media.Processes;
using Flock.Media.Verification;

namespace Flock.Media.Encoding;

/// <summary>
/// A chunk's frame hashes when only its first frames are hashed whole. Hashing every decoded frame whole costs the
/// node's core about 0.23 s per 1000 frames of 720p (3 % of decoding them, 0.7 % of an x264 medium encode), and the seed compares only a chunk's first frames
/// unless it checks every frame; every frame must still be counted, since a decode that starts at a bad entry point
/// shows by giving too few. So ffmpeg writes two framehash files in the same pass, the first frames whole and every
/// frame's corner, and <see cref="CompleteAsync"/> joins them into one file of the usual form: one line per frame.
/// </summary>
public static class ChunkFrameHashes
{
    /// <summary>The filter that cuts a frame to its top-left corner (a crop moves pointers, it copies nothing).</summary>
    public const string Corner = "crop=w=min(iw\\,16):h=min(ih\\,16):x=0:y=0";

    /// <summary>Where the corners of every frame are written beside <paramref name="hashFile"/>.</summary>
    public static string CornerFile(string hashFile) => Path.ChangeExtension(hashFile, ".framecorners");

    /// <summary>
    /// After ffmpeg ran <paramref name="spec"/>: the whole-frame hashes of its first frames followed by the corner hashes
    /// of the rest, in <see cref="ChunkEncodeSpec.FrameHashPath"/>. Nothing to do when every frame was hashed whole.
    /// </summary>
    public static async Task CompleteAsync(ChunkEncodeSpec spec, CancellationToken ct)
    {
        if (spec.FrameHashPath is not { } path || spec.WholeHashFrames is not { } whole) return;
        var corners = CornerFile(path);
        var first = (await File.ReadAllLinesAsync(path, ct).ConfigureAwait(false)).Where(FrameHashes.IsFrameLine).ToList();
        var all = (await File.ReadAllLinesAsync(corners, ct).ConfigureAwait(false)).Where(FrameHashes.IsFrameLine).ToList();
        // Both came from one split of the same frames: anything else is not a hash file to trust.
        if (first.Count != Math.Min(whole, all.Count))
            throw new MediaException($"frame hashes: {first.Count} whole frames written for {all.Count} frames counted");
        await File.WriteAllLinesAsync(path, first.Concat(all.Skip(first.Count)), ct).ConfigureAwait(false);
        File.Delete(corners);
    }
}
