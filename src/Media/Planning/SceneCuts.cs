namespace Flock.Media.Planning;

/// <summary>
/// Which of a source's keyframes mark scene changes, judged from their spacing alone, without decoding. Encoders place
/// keyframes periodically (every GOP length, x264's keyint) and add one wherever the picture changes completely; a
/// periodic keyframe comes exactly one GOP after the previous one, so the GOP is the longest spacing seen, and a
/// keyframe that arrives sooner than that was placed for a scene change. With a fixed GOP (no scene detection) every
/// spacing is the same and none is marked.
/// </summary>
public static class SceneCuts
{
    /// <summary>The keyframes (by pts) that come sooner after the previous keyframe than the source's GOP length.</summary>
    public static HashSet<long> Find(long[] pts, long[] keyframePts)
    {
        var found = new HashSet<long>();
        if (keyframePts.Length < 3) return found;
        var positions = new int[keyframePts.Length];
        for (var i = 0; i < keyframePts.Length; i++)
        {
            var p = Array.BinarySearch(pts, keyframePts[i]);
            positions[i] = p < 0 ? ~p : p;
        }
        var gop = 0;
        for (var i = 1; i < positions.Length; i++) gop = Math.Max(gop, positions[i] - positions[i - 1]);
        for (var i = 1; i < positions.Length; i++)
        {
            if (positions[i] - positions[i - 1] < gop) found.Add(keyframePts[i]);
        }
        return found;
    }
}
