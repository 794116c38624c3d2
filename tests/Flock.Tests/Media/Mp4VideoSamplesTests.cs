using Flock.Media.Assembly;
using Flock.Media.Encoding;
using Flock.Media.Planning;
using Flock.Media.Probing;
using Flock.Media.Processes;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>
/// The seed reads a returned chunk's packets from the chunk's own MP4 sample tables instead of starting ffprobe for each.
/// Whatever a node's ffmpeg writes, from every kind of source and with every encoder, the tables must say exactly what
/// ffprobe says (timestamps, time base, bytes); what the reader does not know is left to ffprobe, and ffprobe has the last
/// word before any chunk is refused.
/// </summary>
public sealed class Mp4VideoSamplesTests
{
    private sealed record Setup(string Source, ChunkPlan Plan, FrameTimeline Timeline);

    private static async Task<Setup> PlanAsync(string source)
    {
        var info = await MediaProbe.ProbeAsync(source, CancellationToken.None);
        var timeline = await TimelineReader.ReadAsync(source, info, CancellationToken.None);
        return new Setup(source, ChunkPlanner.Plan(timeline, info.MainVideo!.Index, info.StartSeconds, 1.0), timeline);
    }

    /// <summary>The node's own command line for one chunk, read from a local file.</summary>
    private static async Task<string> EncodeChunkAsync(Setup s, PlannedChunk chunk, IReadOnlyList<string> video, ScratchDirectory scratch, string name, string? filter = null)
    {
        var output = scratch.File($"{name}-chunk{chunk.Index}.mp4");
        var spec = new ChunkEncodeSpec(s.Source, null, EntryPoints.SeekSeconds(s.Plan, s.Timeline, chunk, new HashSet<long>()), s.Plan.StreamIndex,
            s.Plan.TimeBase.Denominator, chunk.StartPts, chunk.EndPts, video, filter, output) { TimeBaseNumerator = s.Plan.TimeBase.Numerator };
        var r = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath, ChunkEncodeArguments.Build(spec), CancellationToken.None);
        Assert.True(r.Succeeded, r.StandardErrorTail);
        return output;
    }

    private static async Task AssertTablesSayWhatFfprobeSaysAsync(string chunk)
    {
        var tables = Mp4VideoSamples.TryRead(chunk);
        Assert.True(tables is not null, $"{Path.GetFileName(chunk)}: the sample tables were not read");
        var (pts, timeBase, bytes) = await ChunkPackets.ReadAsync(chunk, CancellationToken.None);
        Assert.Equal(pts, tables.Value.Pts);
        Assert.Equal(timeBase.ToString(), tables.Value.TimeBase.ToString());
        Assert.Equal(bytes, tables.Value.Bytes);
    }

    public static TheoryData<string> Sources => new() { "cfr", "vfr", "open-gop-hevc", "ten-bit-mkv", "ts", "m2ts", "avi-packed-b-frames", "mpeg-ps" };

    private static Task<string> SourceAsync(string kind) => kind switch
    {
        "cfr" => TestClips.ConstantFrameRateMp4(),
        "vfr" => TestClips.VariableFrameRateMp4(),
        "open-gop-hevc" => TestClips.OpenGopHevcMp4(),
        "ten-bit-mkv" => TestClips.TenBitHevcMkv(),
        "ts" => TestClips.MpegTs(),
        "m2ts" => TestClips.M2ts(),
        "avi-packed-b-frames" => TestClips.AviWithPackedBFrames(),
        "mpeg-ps" => TestClips.MpegPs(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task A_chunks_sample_tables_should_say_what_ffprobe_says_for_every_kind_of_source(string kind)
    {
        var s = await PlanAsync(await SourceAsync(kind));
        using var scratch = ScratchDirectory.Create("flock-mp4-samples");
        // The first chunk (no empty edit), one in the middle (starts late on the timeline) and the last (open end), with
        // B-frames (the media edit starts at the reorder delay).
        foreach (var chunk in new[] { s.Plan.Chunks[0], s.Plan.Chunks[s.Plan.Chunks.Count / 2], s.Plan.Chunks[^1] }.Distinct())
            await AssertTablesSayWhatFfprobeSaysAsync(await EncodeChunkAsync(s, chunk, ["-c:v", "libx264", "-preset", "ultrafast", "-bf", "3"], scratch, kind));
    }

    [Theory]
    [InlineData("libx264", new[] { "-c:v", "libx264", "-preset", "fast", "-pix_fmt", "yuv420p10le" })]
    [InlineData("libx265", new[] { "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:bframes=4" })]
    [InlineData("libsvtav1", new[] { "-c:v", "libsvtav1", "-preset", "12" })]
    [InlineData("libaom-av1", new[] { "-c:v", "libaom-av1", "-cpu-used", "8", "-crf", "40" })]
    [InlineData("librav1e", new[] { "-c:v", "librav1e", "-speed", "10" })]
    [InlineData("libvpx-vp9", new[] { "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8" })]
    public async Task A_chunks_sample_tables_should_say_what_ffprobe_says_for_every_encoder(string name, string[] video)
    {
        var s = await PlanAsync(await TestClips.VariableFrameRateMp4());
        using var scratch = ScratchDirectory.Create("flock-mp4-samples");
        await AssertTablesSayWhatFfprobeSaysAsync(await EncodeChunkAsync(s, s.Plan.Chunks[s.Plan.Chunks.Count / 2], video, scratch, name, filter: "scale=96:-2"));
    }

    [Fact]
    public async Task Files_of_another_shape_should_be_left_to_ffprobe()
    {
        using var scratch = ScratchDirectory.Create("flock-mp4-samples");
        var source = await TestClips.ConstantFrameRateMp4();
        var fragmented = scratch.File("fragmented.mp4");
        await FfmpegTool.FfmpegAsync(["-v", "error", "-y", "-i", source, "-map", "0:v", "-c", "copy", "-movflags", "frag_keyframe+empty_moov", fragmented]);
        var truncated = scratch.File("truncated.mp4");
        var video = scratch.File("video.mp4");
        await FfmpegTool.FfmpegAsync(["-v", "error", "-y", "-i", source, "-map", "0:v", "-c", "copy", video]);
        var whole = await File.ReadAllBytesAsync(video);
        await File.WriteAllBytesAsync(truncated, whole[..(whole.Length - 200)]);

        Assert.NotNull(Mp4VideoSamples.TryRead(video));
        Assert.Null(Mp4VideoSamples.TryRead(source)); // audio beside the video: not a chunk
        Assert.Null(Mp4VideoSamples.TryRead(fragmented));
        Assert.Null(Mp4VideoSamples.TryRead(truncated));
        Assert.Null(Mp4VideoSamples.TryRead(await TestClips.TenBitHevcMkv()));
        Assert.Null(Mp4VideoSamples.TryRead(await TestClips.NotAVideo()));
    }

    [Fact]
    public async Task A_chunk_one_frame_short_should_still_be_refused_and_a_truncated_one_by_ffprobe()
    {
        var s = await PlanAsync(await TestClips.ConstantFrameRateMp4());
        using var scratch = ScratchDirectory.Create("flock-mp4-samples");
        var chunk = s.Plan.Chunks[1];
        var right = await EncodeChunkAsync(s, chunk, ["-c:v", "libx264", "-preset", "ultrafast"], scratch, "right");
        Assert.True(chunk.Index % ChunkPackets.CrossCheckEvery != 0, "a chunk read from its tables alone");
        var bytes = await OutputVerifier.VerifyChunkAsync(right, s.Plan, chunk, CancellationToken.None);
        Assert.Equal((await ChunkPackets.ReadAsync(right, CancellationToken.None)).Bytes, bytes);

        var shortByOne = scratch.File("short.mp4");
        await FfmpegTool.FfmpegAsync(["-v", "error", "-y", "-i", right, "-c", "copy", "-copyts", "-frames:v",
            (chunk.FrameCount - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "-movie_timescale", s.Plan.TimeBase.Denominator.ToString(System.Globalization.CultureInfo.InvariantCulture), shortByOne]);
        Assert.NotNull(Mp4VideoSamples.TryRead(shortByOne));
        var e = await Assert.ThrowsAsync<MediaException>(() => OutputVerifier.VerifyChunkAsync(shortByOne, s.Plan, chunk, CancellationToken.None));
        Assert.Contains($"{chunk.FrameCount - 1} frames returned, {chunk.FrameCount} planned", e.Message, StringComparison.Ordinal);

        var truncated = scratch.File("truncated.mp4");
        var whole = await File.ReadAllBytesAsync(right);
        await File.WriteAllBytesAsync(truncated, whole[..(whole.Length / 2)]);
        await Assert.ThrowsAsync<MediaException>(() => OutputVerifier.VerifyChunkAsync(truncated, s.Plan, chunk, CancellationToken.None));
    }

    [Fact]
    public async Task A_cross_checked_chunk_should_be_read_by_ffprobe_and_agree_with_its_tables()
    {
        var s = await PlanAsync(await TestClips.ConstantFrameRateMp4());
        using var scratch = ScratchDirectory.Create("flock-mp4-samples");
        var chunk = await EncodeChunkAsync(s, s.Plan.Chunks[0], ["-c:v", "libx264", "-preset", "ultrafast"], scratch, "first");

        var checkedOne = await ChunkPackets.ReadChunkAsync(chunk, crossCheck: true, log: null, CancellationToken.None);
        var fromTables = await ChunkPackets.ReadChunkAsync(chunk, crossCheck: false, log: null, CancellationToken.None);

        Assert.False(checkedOne.FromTables);
        Assert.True(fromTables.FromTables);
        Assert.Equal(checkedOne.Pts, fromTables.Pts);
        Assert.Equal(checkedOne.Bytes, fromTables.Bytes);
    }

    [Fact]
    public async Task Damaged_sample_tables_should_be_read_or_left_to_ffprobe_but_never_crash_the_reader()
    {
        var s = await PlanAsync(await TestClips.ConstantFrameRateMp4());
        using var scratch = ScratchDirectory.Create("flock-mp4-samples");
        var original = await File.ReadAllBytesAsync(await EncodeChunkAsync(s, s.Plan.Chunks[1], ["-c:v", "libx264", "-preset", "ultrafast"], scratch, "fuzz"));
        // The index (moov) is what the reader parses; the node's ffmpeg writes it after the samples.
        var index = original.AsSpan().IndexOf("moov"u8) - 4;
        Assert.True(index > 0);
        var random = new Random(4242);
        var mutated = scratch.File("mutated.mp4");
        int read = 0, left = 0;
        for (var round = 0; round < 1500; round++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--) bytes[index + random.Next(bytes.Length - index)] = (byte)random.Next(256);
            await File.WriteAllBytesAsync(mutated, bytes);
            if (Mp4VideoSamples.TryRead(mutated) is { } tables)
            {
                read++;
                Assert.InRange(tables.Bytes, 0, bytes.Length);
            }
            else
            {
                left++;
            }
        }
        Assert.True(read > 0 && left > 0, $"{read} read, {left} left to ffprobe: the damage reached only one outcome");
    }
}
