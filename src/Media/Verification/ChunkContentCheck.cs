using System.Collections.Concurrent;
using System.Globalization;
using Flock.Media.Planning;
using Flock.Media.Probing;
using Flock.Media.Processes;

namespace Flock.Media.Verification;

/// <summary>A keyframe found not to be a clean place to start decoding, and why.</summary>
public sealed record BadEntryPoint(long Pts, string Reason);

/// <summary>
/// What the content check found: <see cref="Error"/> null when the chunk's frames are the source's; bad entry points
/// found on the way (the node's own, or earlier ones the seed's reference decode tripped over) either way.
/// </summary>
public sealed record ContentVerdict(string? Error, IReadOnlyList<BadEntryPoint> BadEntries, ContentCheckMethod Method = ContentCheckMethod.Reference)
{
    public static ContentVerdict Good(ContentCheckMethod method) => new(null, [], method);

    /// <summary>Whether the attempt failed because of where it started decoding, not because of the node.</summary>
    public bool Blames(long? entry) => Error is not null && entry is { } e && BadEntries.Any(b => b.Pts == e);
}

/// <param name="Entry">The keyframe the node's decode started from (null: the file start).</param>
/// <param name="NodeHashFile">The frame hashes (ffmpeg framehash, murmur3) of the frames the node fed its encoder.</param>
/// <param name="ReferenceFile">Where the whole-source reference is kept (only for <see cref="VerifyLevel.Frames"/>).</param>
/// <param name="CodecName">The source video's codec as ffprobe names it (h264, hevc, ...): whether its entry packets can be read as IDR frames.</param>
public sealed record ContentCheckRequest(
    string SourcePath, ChunkPlan Plan, FrameTimeline Timeline, PlannedChunk Chunk, long? Entry, IReadOnlySet<long> Bad,
    VerifyLevel Level, string NodeHashFile, string ReferenceFile, string CodecName);

/// <summary>How a chunk's first frames were shown to be the source's.</summary>
public enum ContentCheckMethod
{
    /// <summary>Its decode started at the file start: right by definition.</summary>
    FileStart,

    /// <summary>Its decode started at a packet whose own NAL units are an IDR frame: nothing before it can matter.</summary>
    IdrEntry,

    /// <summary>Its first frames were compared with a decode started one good keyframe earlier.</summary>
    Reference,

    /// <summary>Every frame was compared with one decode of the whole source from its start.</summary>
    EveryFrame,
}

/// <summary>
/// Checks that the frames a node encoded are the frames a decode of the source gives, not only that their count and
/// timestamps are right: a decode started at a bad entry point conceals its damage and keeps every timestamp. The
/// node reports a hash of every frame it fed its encoder; the seed decodes the same frames itself from a point
/// independent of the node's: the last good keyframe before the node's entry. When the two agree the frames are
/// right; when they differ and the seed's decode was clean, the node's entry point is bad; when the seed's decode
/// reported errors, its own starting keyframe is suspect too and the one before is tried, down to the file start
/// (a source that differs even then is damaged, and the attempt fails with that). By default the first
/// <see cref="FirstFramesChecked"/> frames of a chunk are compared (damage from a bad entry point shows there), except
/// where the node's decode started at a true IDR frame with the same parameter sets as a decode from further back (read
/// from the packets' NAL units, see <see cref="IdrAccessUnit"/>): nothing else before an IDR can change what follows
/// it, so the reference decode, about one GOP of decoding per chunk on
/// the seed, would only repeat what the node did. Chunks entered at every <see cref="IdrSampleEvery"/>th keyframe are
/// still checked by reference, so a stream or a parser that gets IDR frames wrong cannot pass unseen. At <see cref="VerifyLevel.Frames"/>
/// every frame is compared, against one decode of the whole source from its start.
/// </summary>
public static class ChunkContentCheck
{
    public const int FirstFramesChecked = 5;

    /// <summary>How many of a chunk's first frames this check compares at <paramref name="level"/>: the node need not hash more of them whole. Null: every frame.</summary>
    public static int? WholeFramesCompared(VerifyLevel level) => level == VerifyLevel.Frames ? null : FirstFramesChecked;

    /// <summary>Chunks entered at keyframe 1, 1 + this, 1 + 2 x this... are checked by reference even when it is an IDR frame.</summary>
    public const int IdrSampleEvery = 8;

    private static readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<string>>>> References = new(StringComparer.Ordinal);

    public static async Task<ContentVerdict> CheckAsync(ContentCheckRequest r, CancellationToken ct)
    {
        var chunk = r.Chunk;
        if (!File.Exists(r.NodeHashFile)) return new ContentVerdict($"chunk {chunk.Index}: the node sent no frame hashes", []);
        var node = await FrameHashes.ReadAsync(r.NodeHashFile, ct).ConfigureAwait(false);
        var fromStart = EntryPoints.IsFileStart(r.Timeline, r.Entry);
        var from = fromStart ? "the file start" : Seconds(r, r.Entry!.Value);
        if (node.Count != chunk.FrameCount)
        {
            var error = $"chunk {chunk.Index}: decoding from {from} gave {node.Count} frames, {chunk.FrameCount} planned";
            return new ContentVerdict(error, fromStart ? [] : [new BadEntryPoint(r.Entry!.Value, $"decoding from it gave {node.Count} of chunk {chunk.Index}'s {chunk.FrameCount} frames")]);
        }
        if (r.Level == VerifyLevel.Frames) return await CheckEveryFrameAsync(r, node, from, fromStart, ct).ConfigureAwait(false);
        if (fromStart) return ContentVerdict.Good(ContentCheckMethod.FileStart);
        if (!SampledForReference(r.Timeline, r.Entry!.Value) && await EntryIsIdrAsync(r, ct).ConfigureAwait(false)) return ContentVerdict.Good(ContentCheckMethod.IdrEntry);
        return await CheckFirstFramesAsync(r, node, ct).ConfigureAwait(false);
    }

    /// <summary>Whether chunks entered at this keyframe get the reference decode even when it is an IDR frame: the 2nd, 10th, 18th... keyframe.</summary>
    public static bool SampledForReference(FrameTimeline timeline, long entry) => Array.BinarySearch(timeline.KeyframePts, entry) % IdrSampleEvery == 1;

    private static Task<bool> EntryIsIdrAsync(ContentCheckRequest r, CancellationToken ct) =>
        IdrAccessUnit.IsCleanEntryAsync(r.SourcePath, r.CodecName, r.Timeline, r.Entry!.Value, ct);

    private static async Task<ContentVerdict> CheckEveryFrameAsync(ContentCheckRequest r, IReadOnlyList<string> node, string from, bool fromStart, CancellationToken ct)
    {
        var all = await WholeSourceAsync(r, ct).ConfigureAwait(false);
        var first = Array.BinarySearch(r.Timeline.Pts, r.Chunk.FirstPts);
        if (first < 0 || first + r.Chunk.FrameCount > all.Count)
            return new ContentVerdict($"chunk {r.Chunk.Index}: the seed's decode of the source has {all.Count} frames, the plan {r.Timeline.FrameCount}", [], ContentCheckMethod.EveryFrame);
        var expected = all.Skip(first).Take(r.Chunk.FrameCount).ToList();
        if (FrameHashes.FirstDifference(node, expected, r.Chunk.FrameCount) is not { } k) return ContentVerdict.Good(ContentCheckMethod.EveryFrame);
        var error = $"chunk {r.Chunk.Index}: frame {k} decoded from {from} differs from the source decoded from its start";
        return new ContentVerdict(error, fromStart ? [] : [new BadEntryPoint(r.Entry!.Value, $"frame {k} of chunk {r.Chunk.Index} decoded from it differs from the source decoded from its start")], ContentCheckMethod.EveryFrame);
    }

    private static async Task<ContentVerdict> CheckFirstFramesAsync(ContentCheckRequest r, IReadOnlyList<string> node, CancellationToken ct)
    {
        var entry = r.Entry!.Value;
        var bad = new HashSet<long>(r.Bad);
        var found = new List<BadEntryPoint>();
        var count = Math.Min(FirstFramesChecked, r.Chunk.FrameCount);
        long? reference = EntryPoints.Before(r.Timeline, entry, bad);
        while (true)
        {
            var (hashes, decodeError) = await DecodeFirstFramesAsync(r, reference, count, ct).ConfigureAwait(false);
            var refFrom = EntryPoints.IsFileStart(r.Timeline, reference) ? "the file start" : Seconds(r, reference!.Value);
            var differs = FrameHashes.FirstDifference(node, hashes, count);
            // Two independent decodes that agree are right, whatever the reference met on its way (damage before an IDR frame).
            if (differs is null) return new ContentVerdict(null, found);
            if (decodeError is not null || hashes.Count != count)
            {
                var why = decodeError ?? $"decoding from it gave {hashes.Count} of {count} frames";
                if (EntryPoints.IsFileStart(r.Timeline, reference))
                    return new ContentVerdict($"chunk {r.Chunk.Index}: the source does not decode cleanly even from the file start: {why}", found);
                found.Add(new BadEntryPoint(reference!.Value, why));
                bad.Add(reference.Value);
                reference = EntryPoints.Before(r.Timeline, reference.Value, bad);
                continue;
            }
            var k = differs.Value;
            found.Insert(0, new BadEntryPoint(entry, $"frame {k} of chunk {r.Chunk.Index} decoded from it differs from a decode from {refFrom}"));
            return new ContentVerdict($"chunk {r.Chunk.Index}: frame {k} decoded from {Seconds(r, entry)} differs from a decode from {refFrom}", found);
        }
    }

    /// <summary>
    /// The chunk's first frames decoded from <paramref name="entry"/>, and the first decoder error line if there was one.
    /// Chunks that start inside the same GOP (the planner splits the last GOPs to even out the nodes' finish) share
    /// one decode: it covers the first frames of all of them, so the second chunk's check costs no decode of its own.
    /// The bench's 2-node job decoded one 720p GOP twice for its two tail chunks: 2.3 s of the seed's 4.5 s of children.
    /// </summary>
    private static async Task<(IReadOnlyList<string> Hashes, string? Error)> DecodeFirstFramesAsync(ContentCheckRequest r, long? entry, int count, CancellationToken ct)
    {
        if (SharedWindow(r, count) is not { } window) return await DecodeAsync(r, entry, Trim(r.Chunk), count, ct).ConfigureAwait(false);
        var key = string.Create(CultureInfo.InvariantCulture, $"{r.ReferenceFile}|{entry}|{window.StartPts}|{window.Frames}");
        if (SharedDecodes.Count > MaxSharedDecodes) SharedDecodes.Clear();
        var lazy = SharedDecodes.GetOrAdd(key, _ => new Lazy<Task<(IReadOnlyList<string>, string?)>>(
            () => DecodeAsync(r, entry, $"trim=start_pts={window.StartPts.ToString(CultureInfo.InvariantCulture)}", window.Frames, CancellationToken.None)));
        if (lazy.IsValueCreated) Interlocked.Increment(ref _sharedDecodeHits);
        try
        {
            var (hashes, error) = await lazy.Value.WaitAsync(ct).ConfigureAwait(false);
            return ([.. hashes.Skip(window.Offset).Take(count)], error);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            SharedDecodes.TryRemove(key, out _); // a decode that could not run is not an answer to keep
            throw;
        }
    }

    /// <summary>
    /// The frames one decode from the chunk's entry must give for every planned chunk whose first frame lies in the GOP
    /// that entry starts: from the first of those chunks' first frames to the last one's <paramref name="count"/>th
    /// frame. Null when the chunk has that GOP to itself, or its entry is not that GOP's keyframe (moved back past a bad one).
    /// </summary>
    private static (long StartPts, int Frames, int Offset)? SharedWindow(ContentCheckRequest r, int count)
    {
        if (r.Entry is not { } entry) return null;
        var keyframes = r.Timeline.KeyframePts;
        var k = Array.BinarySearch(keyframes, entry);
        if (k < 0) return null;
        var gopEnd = k + 1 < keyframes.Length ? keyframes[k + 1] : long.MaxValue;
        if (r.Chunk.FirstPts < entry || r.Chunk.FirstPts >= gopEnd) return null;
        var sharing = r.Plan.Chunks.Where(c => c.FrameCount > 0 && c.FirstPts >= entry && c.FirstPts < gopEnd).ToList();
        if (sharing.Count < 2) return null;
        var first = sharing.MinBy(c => c.FirstPts)!;
        var last = sharing.MaxBy(c => c.FirstPts)!;
        var from = Array.BinarySearch(r.Timeline.Pts, first.FirstPts);
        var to = Array.BinarySearch(r.Timeline.Pts, last.FirstPts);
        var own = Array.BinarySearch(r.Timeline.Pts, r.Chunk.FirstPts);
        if (from < 0 || to < 0 || own < 0) return null;
        return (first.StartPts, to - from + Math.Min(count, last.FrameCount), own - from);
    }

    private static async Task<(IReadOnlyList<string> Hashes, string? Error)> DecodeAsync(ContentCheckRequest r, long? entry, string trim, int frames, CancellationToken ct)
    {
        var args = new List<string> { "-nostdin", "-hide_banner", "-v", "error", "-copyts", "-noaccurate_seek" };
        if (!EntryPoints.IsFileStart(r.Timeline, entry)) args.AddRange(["-ss", r.Plan.SeekSecondsAt(entry!.Value).ToString("0.000000", CultureInfo.InvariantCulture)]);
        args.AddRange(["-i", r.SourcePath, "-map", $"0:{r.Plan.StreamIndex.ToString(CultureInfo.InvariantCulture)}",
            "-vf", trim, "-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-fps_mode", "passthrough", "-f", "framehash", "-hash", "murmur3", "-"]);
        string? error = null;
        var result = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath, args, ct,
            onStderrLine: line => { if (error is null && DecodeErrors.IsDecodeError(line, null)) error = line.Trim(); }).ConfigureAwait(false);
        if (!result.Succeeded) error ??= result.LastErrorLine;
        return (FrameHashes.Parse(result.StandardOutput.Split('\n')), error);
    }

    /// <summary>Decodes shared by the chunks of one GOP, by job, reference keyframe and window; a few dozen at most are live at once.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<Task<(IReadOnlyList<string>, string?)>>> SharedDecodes = new(StringComparer.Ordinal);

    private const int MaxSharedDecodes = 256;

    private static long _sharedDecodeHits;

    /// <summary>How many reference checks took their frames from another chunk's decode of the same GOP (since start).</summary>
    public static long SharedDecodeHits => Interlocked.Read(ref _sharedDecodeHits);

    /// <summary>Every frame of the source decoded from its start, once per job (kept beside the job's plan).</summary>
    private static Task<IReadOnlyList<string>> WholeSourceAsync(ContentCheckRequest r, CancellationToken ct) =>
        References.GetOrAdd(r.ReferenceFile, file => new Lazy<Task<IReadOnlyList<string>>>(async () =>
        {
            if (!File.Exists(file))
            {
                var temp = file + ".tmp";
                var result = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath,
                    ["-nostdin", "-hide_banner", "-v", "error", "-copyts", "-i", r.SourcePath, "-map", $"0:{r.Plan.StreamIndex.ToString(CultureInfo.InvariantCulture)}",
                     "-fps_mode", "passthrough", "-f", "framehash", "-hash", "murmur3", "-y", temp], CancellationToken.None).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    References.TryRemove(file, out _);
                    throw new MediaException($"the seed cannot decode the source for its reference: {result.LastErrorLine}", result.StandardErrorTail);
                }
                File.Move(temp, file, overwrite: true);
            }
            return await FrameHashes.ReadAsync(file, CancellationToken.None).ConfigureAwait(false);
        })).Value.WaitAsync(ct);

    /// <summary>Forgets a job's whole-source reference (its folder is going).</summary>
    public static void Forget(string referenceFile)
    {
        References.TryRemove(referenceFile, out _);
        foreach (var key in SharedDecodes.Keys.Where(k => k.StartsWith(referenceFile + "|", StringComparison.Ordinal))) SharedDecodes.TryRemove(key, out _);
    }

    private static string Trim(PlannedChunk chunk) =>
        $"trim=start_pts={chunk.StartPts.ToString(CultureInfo.InvariantCulture)}" + (chunk.EndPts is { } end ? $":end_pts={end.ToString(CultureInfo.InvariantCulture)}" : "");

    private static string Seconds(ContentCheckRequest r, long pts) =>
        string.Create(CultureInfo.InvariantCulture, $"the keyframe at {r.Plan.TimeBase.ToSeconds(pts) - r.Plan.FormatStartSeconds:0.###}s");
}
