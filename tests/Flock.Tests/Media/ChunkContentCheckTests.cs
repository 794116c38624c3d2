using Flock.Media.Assembly;
using Flock.Media.Encoding;
using Flock.Media.Planning;
using Flock.Media.Probing;
using Flock.Media.Processes;
using Flock.Media.Verification;
using Flock.Seed.Jobs;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>
/// The node's own ffmpeg command (with its frame hashes) run on a chunk, then the seed's check of those hashes: a chunk
/// decoded from a lying keyframe is caught at both levels and blamed on that keyframe; one decoded from a good entry
/// passes. The joined output's keyframes must be the chunks' own, in order.
/// </summary>
public sealed class ChunkContentCheckTests
{
    private sealed record Setup(string Source, ChunkPlan Plan, FrameTimeline Timeline, string Codec);

    private static async Task<Setup> PlanAsync(string source, double chunkSeconds = 1.0)
    {
        var info = await MediaProbe.ProbeAsync(source, CancellationToken.None);
        var timeline = await TimelineReader.ReadAsync(source, info, CancellationToken.None);
        return new Setup(source, ChunkPlanner.Plan(timeline, info.MainVideo!.Index, info.StartSeconds, chunkSeconds), timeline, info.MainVideo.CodecName);
    }

    /// <summary>
    /// Runs the node's command for <paramref name="chunk"/>, seeking as <paramref name="bad"/> says and hashing as much of
    /// each frame as the seed asks for at <paramref name="level"/>, and returns its frame hash file.
    /// </summary>
    private static async Task<string> EncodeAsync(Setup s, PlannedChunk chunk, IReadOnlySet<long> bad, ScratchDirectory scratch, VerifyLevel level = VerifyLevel.FirstFrames)
    {
        var output = scratch.File($"chunk{chunk.Index}-{level}.mp4");
        var hashes = scratch.File($"chunk{chunk.Index}-{level}.framehash");
        var spec = new ChunkEncodeSpec(s.Source, null, EntryPoints.SeekSeconds(s.Plan, s.Timeline, chunk, bad), s.Plan.StreamIndex, s.Plan.TimeBase.Denominator,
            chunk.StartPts, chunk.EndPts, ["-c:v", "libx264", "-preset", "ultrafast"], null, output)
        {
            FrameHashPath = hashes,
            WholeHashFrames = ChunkContentCheck.WholeFramesCompared(level),
        };
        var r = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath, ChunkEncodeArguments.Build(spec), CancellationToken.None);
        Assert.True(r.Succeeded, r.StandardErrorTail);
        await ChunkFrameHashes.CompleteAsync(spec, CancellationToken.None);
        return hashes;
    }

    private static ContentCheckRequest Request(Setup s, PlannedChunk chunk, IReadOnlySet<long> bad, VerifyLevel level, string hashes, ScratchDirectory scratch) =>
        new(s.Source, s.Plan, s.Timeline, chunk, EntryPoints.For(s.Timeline, chunk, bad), bad, level, hashes, scratch.File($"reference-{level}.framehash"), s.Codec);

    [Theory]
    [InlineData(VerifyLevel.FirstFrames)]
    [InlineData(VerifyLevel.Frames)]
    public async Task A_chunk_decoded_from_a_lying_keyframe_should_fail_and_blame_that_keyframe(VerifyLevel level)
    {
        var s = await PlanAsync(await BadEntryClips.LyingRecoveryPointsMp4());
        using var scratch = ScratchDirectory.Create("flock-content-check");
        var lying = s.Timeline.KeyframePts[1]; // the P-frame at 1.6 s with a recovery point that lies
        var chunk = s.Plan.Chunks.First(c => EntryPoints.Natural(s.Timeline, c) == lying);
        var none = new HashSet<long>();

        var verdict = await ChunkContentCheck.CheckAsync(Request(s, chunk, none, level, await EncodeAsync(s, chunk, none, scratch, level), scratch), CancellationToken.None);

        Assert.NotNull(verdict.Error);
        Assert.True(verdict.Blames(lying), verdict.Error);
        Assert.Equal(lying, verdict.BadEntries[0].Pts);
    }

    [Theory]
    [InlineData(VerifyLevel.FirstFrames)]
    [InlineData(VerifyLevel.Frames)]
    public async Task The_same_chunk_decoded_from_the_keyframe_before_should_pass(VerifyLevel level)
    {
        var s = await PlanAsync(await BadEntryClips.LyingRecoveryPointsMp4());
        using var scratch = ScratchDirectory.Create("flock-content-check");
        var lying = s.Timeline.KeyframePts[1];
        var chunk = s.Plan.Chunks.First(c => EntryPoints.Natural(s.Timeline, c) == lying);
        var bad = new HashSet<long> { lying };

        var verdict = await ChunkContentCheck.CheckAsync(Request(s, chunk, bad, level, await EncodeAsync(s, chunk, bad, scratch, level), scratch), CancellationToken.None);

        Assert.Null(verdict.Error);
    }

    [Fact]
    public async Task Every_chunk_of_a_clean_source_should_pass_at_every_level()
    {
        var s = await PlanAsync(await TestClips.ConstantFrameRateMp4());
        using var scratch = ScratchDirectory.Create("flock-content-check");
        var none = new HashSet<long>();
        foreach (var chunk in s.Plan.Chunks)
        {
            foreach (var level in new[] { VerifyLevel.FirstFrames, VerifyLevel.Frames })
            {
                var hashes = await EncodeAsync(s, chunk, none, scratch, level);
                var verdict = await ChunkContentCheck.CheckAsync(Request(s, chunk, none, level, hashes, scratch), CancellationToken.None);
                Assert.True(verdict.Error is null && verdict.BadEntries.Count == 0, $"chunk {chunk.Index} at {level}: {verdict.Error}");
            }
        }
    }

    [Fact]
    public async Task A_node_hashing_only_the_first_frames_whole_should_still_count_every_frame()
    {
        var s = await PlanAsync(await TestClips.ConstantFrameRateMp4());
        using var scratch = ScratchDirectory.Create("flock-content-check");
        var none = new HashSet<long>();
        var chunk = s.Plan.Chunks[1];

        var whole = await FrameHashes.ReadAsync(await EncodeAsync(s, chunk, none, scratch, VerifyLevel.Frames), CancellationToken.None);
        var first = await FrameHashes.ReadAsync(await EncodeAsync(s, chunk, none, scratch, VerifyLevel.FirstFrames), CancellationToken.None);

        Assert.Equal(chunk.FrameCount, whole.Count);
        Assert.Equal(chunk.FrameCount, first.Count);
        var compared = ChunkContentCheck.WholeFramesCompared(VerifyLevel.FirstFrames)!.Value;
        Assert.True(chunk.FrameCount > compared, $"the chunk has {chunk.FrameCount} frames");
        Assert.Equal(whole.Take(compared), first.Take(compared));
        // The rest are corners: a hash of a whole frame there would mean the saving is gone.
        Assert.All(Enumerable.Range(compared, chunk.FrameCount - compared), i => Assert.NotEqual(whole[i], first[i]));
        Assert.False(File.Exists(ChunkFrameHashes.CornerFile(scratch.File($"chunk{chunk.Index}-{VerifyLevel.FirstFrames}.framehash"))));
    }

    [Fact]
    public async Task Chunks_that_start_at_IDR_frames_should_skip_the_reference_decode_except_the_sampled_ones()
    {
        // Keyframes every 2 s, chunks of 1 s: entries at the file start, at sampled keyframe 1 and unsampled keyframe 2.
        var s = await PlanAsync(await TestClips.ConstantFrameRateMp4());
        using var scratch = ScratchDirectory.Create("flock-content-check");
        var none = new HashSet<long>();
        var seen = new HashSet<ContentCheckMethod>();
        foreach (var chunk in s.Plan.Chunks)
        {
            var verdict = await ChunkContentCheck.CheckAsync(Request(s, chunk, none, VerifyLevel.FirstFrames, await EncodeAsync(s, chunk, none, scratch), scratch), CancellationToken.None);

            Assert.Null(verdict.Error);
            var entry = EntryPoints.Natural(s.Timeline, chunk);
            var expected = EntryPoints.IsFileStart(s.Timeline, entry) ? ContentCheckMethod.FileStart
                : ChunkContentCheck.SampledForReference(s.Timeline, entry!.Value) ? ContentCheckMethod.Reference
                : ContentCheckMethod.IdrEntry;
            Assert.Equal(expected, verdict.Method);
            seen.Add(verdict.Method);
        }
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public async Task A_lying_keyframe_in_a_chunk_not_sampled_should_still_be_checked_by_reference_and_blamed()
    {
        var s = await PlanAsync(await BadEntryClips.LyingRecoveryPointsMp4());
        using var scratch = ScratchDirectory.Create("flock-content-check");
        var lying = s.Timeline.KeyframePts[3]; // the P-frame at 5.2 s with a recovery point that lies
        var chunk = s.Plan.Chunks.First(c => EntryPoints.Natural(s.Timeline, c) == lying);
        Assert.False(ChunkContentCheck.SampledForReference(s.Timeline, lying));
        var none = new HashSet<long>();

        var verdict = await ChunkContentCheck.CheckAsync(Request(s, chunk, none, VerifyLevel.FirstFrames, await EncodeAsync(s, chunk, none, scratch), scratch), CancellationToken.None);

        Assert.Equal(ContentCheckMethod.Reference, verdict.Method);
        Assert.True(verdict.Blames(lying), verdict.Error);
    }

    [Fact]
    public async Task Two_chunks_in_one_GOP_should_share_one_reference_decode_and_each_be_held_to_its_own_frames()
    {
        // Keyframes every 2 s, chunks of 1 s: the chunks at 2 s and 3 s both enter at keyframe 1, which is sampled.
        var s = await PlanAsync(await TestClips.ConstantFrameRateMp4());
        using var scratch = ScratchDirectory.Create("flock-content-check");
        var none = new HashSet<long>();
        var entry = s.Timeline.KeyframePts[1];
        Assert.True(ChunkContentCheck.SampledForReference(s.Timeline, entry));
        var pair = s.Plan.Chunks.Where(c => EntryPoints.Natural(s.Timeline, c) == entry).OrderBy(c => c.FirstPts).ToList();
        Assert.Equal(2, pair.Count);
        var (early, late) = (pair[0], pair[1]);
        var earlyHashes = await EncodeAsync(s, early, none, scratch);
        var lateHashes = await EncodeAsync(s, late, none, scratch);
        var hits = ChunkContentCheck.SharedDecodeHits;

        // The later chunk first, as the tail's last chunk often comes back first: its decode covers the earlier one.
        var lateVerdict = await ChunkContentCheck.CheckAsync(Request(s, late, none, VerifyLevel.FirstFrames, lateHashes, scratch), CancellationToken.None);
        var earlyVerdict = await ChunkContentCheck.CheckAsync(Request(s, early, none, VerifyLevel.FirstFrames, earlyHashes, scratch), CancellationToken.None);

        Assert.Null(lateVerdict.Error);
        Assert.Null(earlyVerdict.Error);
        Assert.Equal(ContentCheckMethod.Reference, earlyVerdict.Method);
        Assert.True(ChunkContentCheck.SharedDecodeHits > hits, "the second chunk of the GOP decoded the source again");

        // Given the later chunk's frames as its own, the earlier chunk must fail: the shared decode is sliced per chunk.
        var swapped = scratch.File("early-given-late-frames.framehash");
        File.Copy(lateHashes, swapped);
        Assert.Equal(early.FrameCount, late.FrameCount);
        var wrong = await ChunkContentCheck.CheckAsync(Request(s, early, none, VerifyLevel.FirstFrames, swapped, scratch), CancellationToken.None);
        Assert.Contains("differs", wrong.Error ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KeyframeDecode.DecoderSkips)]
    [InlineData(KeyframeDecode.PacketsDropped)]
    public async Task An_output_whose_chunks_were_joined_out_of_order_should_fail_the_content_check(KeyframeDecode how)
    {
        var s = await PlanAsync(await TestClips.ConstantFrameRateMp4());
        using var scratch = ScratchDirectory.Create("flock-output-check");
        var none = new HashSet<long>();
        var chunks = new List<string>();
        foreach (var chunk in s.Plan.Chunks)
        {
            chunks.Add(Path.ChangeExtension(await EncodeAsync(s, chunk, none, scratch), ".mp4"));
        }

        await OutputContentCheck.VerifyAsync(await JoinAsync(scratch, chunks, "right"), chunks, how, scratch.File("work-right"), CancellationToken.None);
        var swapped = chunks.ToList();
        (swapped[1], swapped[2]) = (swapped[2], swapped[1]);
        var wrong = await JoinAsync(scratch, swapped, "wrong");

        var e = await Assert.ThrowsAsync<MediaException>(() => OutputContentCheck.VerifyAsync(wrong, chunks, how, scratch.File("work-wrong"), CancellationToken.None));
        Assert.Contains("output content check", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KeyframeDecode.DecoderSkips)]
    [InlineData(KeyframeDecode.PacketsDropped)]
    public async Task Keyframes_hashed_in_runs_ahead_of_the_join_should_check_the_output_as_the_whole_chunk_list_does(KeyframeDecode how)
    {
        var s = await PlanAsync(await TestClips.ConstantFrameRateMp4(), chunkSeconds: 0.5);
        using var scratch = ScratchDirectory.Create("flock-output-check-runs");
        var none = new HashSet<long>();
        var chunks = new List<string>();
        foreach (var chunk in s.Plan.Chunks) chunks.Add(Path.ChangeExtension(await EncodeAsync(s, chunk, none, scratch), ".mp4"));
        var n = chunks.Count;
        Assert.True(n >= 4, $"{n} chunks planned");
        var work = scratch.File("work");

        // As a job's last wave leaves them: two runs hashed while chunks 1 and the last still encode, the rest by the join.
        var ahead = await OutputContentCheck.HashRunsAsync(chunks, [(0, 0), (2, n - 2)], how, work, CancellationToken.None);
        var (valid, missing) = KeyframesAhead.Cover(n, ahead, i => FileStamp.Of(chunks[i]));
        Assert.Equal([(1, 1), (n - 1, n - 1)], missing);
        var rest = await OutputContentCheck.HashRunsAsync(chunks, missing, how, work, CancellationToken.None);
        var whole = await OutputContentCheck.HashRunsAsync(chunks, [(0, n - 1)], how, work, CancellationToken.None);
        Assert.Equal(whole[0].Hashes, valid.Concat(rest).OrderBy(r => r.First).SelectMany(r => r.Hashes));

        var right = await JoinAsync(scratch, chunks, "right");
        await OutputContentCheck.VerifyAsync(right, chunks, valid, missing, how, work, CancellationToken.None);
        var doubled = chunks.ToList();
        doubled[2] = doubled[1];
        var wrong = await JoinAsync(scratch, doubled, "doubled");
        var e = await Assert.ThrowsAsync<MediaException>(() => OutputContentCheck.VerifyAsync(wrong, chunks, valid, missing, how, work, CancellationToken.None));
        Assert.Contains("output content check", e.Message, StringComparison.Ordinal);
        // Runs that leave a chunk out are no check at all: refused, not passed.
        await Assert.ThrowsAsync<MediaException>(() => OutputContentCheck.VerifyAsync(right, chunks, valid, missing.Skip(1).ToList(), how, work, CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(work));
    }

    /// <summary>The chunk files joined by stream copy, as the seed's join does with the video.</summary>
    private static async Task<string> JoinAsync(ScratchDirectory scratch, IEnumerable<string> files, string name)
    {
        var list = scratch.File(name + ".ffconcat");
        await File.WriteAllLinesAsync(list, ["ffconcat version 1.0", .. files.Select(f => $"file '{f}'")]);
        await FfmpegTool.FfmpegAsync(["-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", list, "-c", "copy", scratch.File(name + ".mp4")]);
        return scratch.File(name + ".mp4");
    }
}
