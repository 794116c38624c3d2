using System.Net;
using System.Text.Json;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// `pbm job submit --live`: the seed publishes the job as HLS while it encodes, from the verified chunks in order;
/// the finished playlist plays exactly the frames, at exactly the timestamps, of the output.
/// </summary>
public sealed class LiveHlsTests
{
    private const string ReadToken = "live-read-only-token";

    [Fact]
    public async Task Live_job_should_publish_a_growing_playlist_whose_segments_equal_the_output_and_leave_the_output_unchanged()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync(config: $"flock.seed.read-only-tokens = [\"{ReadToken}\"]\n");
        // One node reading no faster than twice real time: the job lasts at least half as long as its video (five 2 s
        // chunks, 1 s each), so the playlist can be caught with verified chunks in it and chunks still to come, on any
        // machine; the two jobs after it need no pace but run on the same node.
        await cluster.StartNodeAsync("live-a", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await cluster.PacedFfmpegAsync(speed: 2) });
        var source = cluster.Scratch.File("source.mp4");
        // B-frames: the first chunk's first decode timestamp is negative, which the segments must keep as the output does.
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=10", "-f", "lavfi", "-i", "sine=d=10",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "3", "-c:a", "aac", "-shortest", source]);
        string[] options = ["-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-bf", "3", "-threads", "1"];

        var submit = await cluster.PbmAsync(["job", "submit", source, cluster.Scratch.File("live.mp4"), "--chunk-seconds", "2", "--detach", "--live", "--keep-live", "--", .. options]);
        Assert.True(submit.ExitCode == 0, submit.Stderr);
        var id = submit.Stdout.Trim();
        Assert.Contains($"live {cluster.BaseUrl}/jobs/{id}/live/index.m3u8", submit.Stderr);
        var playlistPath = $"jobs/{id}/live/index.m3u8";

        // While it encodes: segments of the verified chunks, no end yet.
        string? running = null;
        while (running is null)
        {
            using var response = await cluster.Http.GetAsync(playlistPath);
            var text = await response.Content.ReadAsStringAsync();
            // Until its plan is known and chunk 0 verified, a live job may have no playlist yet (404); nothing else.
            Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound, $"{response.StatusCode}: {text}");
            var state = (await cluster.JobAsync(id)).GetProperty("state").GetString();
            Assert.True(state is "queued" or "planning" or "encoding" or "assembling", $"the job ended ({state}) before its playlist was seen with segments:\n{text}");
            if (response.IsSuccessStatusCode && text.Contains("#EXTINF", StringComparison.Ordinal) && state == "encoding") running = text;
            else await Task.Delay(100);
        }
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:EVENT", running);
        Assert.Contains("#EXT-X-MAP:URI=\"init.mp4\"", running);
        Assert.DoesNotContain("#EXT-X-ENDLIST", running);

        // A player that cannot send headers: ?token= (a read-only one), handed on in every URI of the playlist.
        var anonymous = cluster.CreateClient(token: null);
        var withQuery = await anonymous.GetStringAsync($"{playlistPath}?token={ReadToken}");
        var uris = withQuery.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.NotEmpty(uris);
        Assert.All(uris, u => Assert.EndsWith($"?token={ReadToken}", u));
        Assert.Contains($"URI=\"init.mp4?token={ReadToken}\"", withQuery);
        using (var segment = await anonymous.GetAsync($"jobs/{id}/live/{uris[0]}"))
            Assert.True(segment.IsSuccessStatusCode && (await segment.Content.ReadAsByteArrayAsync()).Length > 0, $"{segment.StatusCode}");
        using (var init = await anonymous.GetAsync($"jobs/{id}/live/init.mp4?token={ReadToken}"))
            Assert.Equal(HttpStatusCode.OK, init.StatusCode);
        using (var unauthorized = await anonymous.GetAsync(playlistPath))
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        using (var wrong = await anonymous.GetAsync($"{playlistPath}?token=not-a-token"))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        // Only the names the publisher writes are served: nothing else in (or above) the job's folder.
        foreach (var name in new[] { "..%2F..%2Fadmin.token", "..%2Fplan.json", "chunk.m3u8", "s1.m4s", "index.m3u8.tmp" })
            using (var refused = await cluster.Http.GetAsync($"jobs/{id}/live/{name}"))
                Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);

        // The same source without live, and with live but not kept, on the same node: byte for byte the same output.
        var plain = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("plain.mp4"), 2, options);
        var unkept = await cluster.PbmAsync(["job", "submit", source, cluster.Scratch.File("unkept.mp4"), "--chunk-seconds", "2", "--detach", "--live", "--", .. options]);
        Assert.True(unkept.ExitCode == 0, unkept.Stderr);
        var unkeptId = unkept.Stdout.Trim();

        foreach (var job in new[] { id, plain, unkeptId })
        {
            var done = await cluster.WaitForJobAsync(job, j => j.GetProperty("state").GetString() is "completed" or "failed", TimeSpan.FromMinutes(4), $"job {job} to end");
            Assert.Equal("completed", done.GetProperty("state").GetString());
        }

        var final = await cluster.Http.GetStringAsync(playlistPath);
        Assert.EndsWith("#EXT-X-ENDLIST\n", final);
        // An EVENT playlist only grows: everything a player read while the job ran is still there, in the same place.
        var runningSegments = running.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var finalSegments = final.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal(runningSegments, finalSegments.Take(runningSegments.Count));
        Assert.True(finalSegments.Count > runningSegments.Count, final);

        // The playlist and every file it names, fetched as a player would, then read back by ffmpeg's HLS demuxer.
        var copy = cluster.Scratch.File("hls");
        Directory.CreateDirectory(copy);
        await File.WriteAllTextAsync(Path.Combine(copy, "index.m3u8"), final);
        foreach (var name in finalSegments.Append("init.mp4"))
            await File.WriteAllBytesAsync(Path.Combine(copy, name), await cluster.Http.GetByteArrayAsync($"jobs/{id}/live/{name}"));

        var outputs = new Dictionary<string, string>();
        foreach (var (job, name) in new[] { (id, "live.mp4"), (plain, "plain.mp4"), (unkeptId, "unkept.mp4") })
        {
            var fetched = await cluster.PbmAsync("job", "fetch", job, cluster.Scratch.File(name));
            Assert.True(fetched.ExitCode == 0, fetched.Stderr);
            outputs[job] = cluster.Scratch.File(name);
        }
        var liveBytes = await File.ReadAllBytesAsync(outputs[id]);
        Assert.Equal(await File.ReadAllBytesAsync(outputs[plain]), liveBytes);
        Assert.Equal(await File.ReadAllBytesAsync(outputs[unkeptId]), liveBytes);

        var hlsPackets = await VideoPacketsAsync(Path.Combine(copy, "index.m3u8"));
        var outputPackets = await VideoPacketsAsync(outputs[id]);
        Assert.True(outputPackets.Count == 250, $"{outputPackets.Count} packets in the output");
        Assert.Equal(outputPackets, hlsPackets);
        Assert.StartsWith("-", outputPackets[0].Split(',')[1]); // the negative first decode timestamp survived
        Assert.Equal(await FrameHashesAsync(outputs[id]), await FrameHashesAsync(Path.Combine(copy, "index.m3u8")));

        // Not kept: the live files went with the job's other work files; a job without live never had any.
        var unkeptJob = await cluster.JobAsync(unkeptId);
        Assert.Equal(JsonValueKind.Null, unkeptJob.GetProperty("livePlaylist").ValueKind);
        Assert.False(Directory.Exists(Path.Combine(cluster.DataDir, "jobs", unkeptId, "live")));
        Assert.Equal($"/jobs/{id}/live/index.m3u8", (await cluster.JobAsync(id)).GetProperty("livePlaylist").GetString());
        foreach (var job in new[] { plain, unkeptId })
        {
            using var none = await cluster.Http.GetAsync($"jobs/{job}/live/index.m3u8");
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
            Assert.Contains("not published live", await none.Content.ReadAsStringAsync());
        }
        using (var noJob = await cluster.Http.GetAsync("jobs/999999/live/index.m3u8"))
            Assert.Equal(HttpStatusCode.NotFound, noJob.StatusCode);

        // `job watch` names the playlist too.
        var watch = await cluster.PbmAsync("job", "watch", id);
        Assert.True(watch.ExitCode == 0, watch.Stderr);
        Assert.StartsWith($"live {cluster.BaseUrl}/jobs/{id}/live/index.m3u8\n", watch.Stdout);
    }

    /// <summary>Every video packet's pts,dts in decode order, in the stream's time base.</summary>
    private static async Task<List<string>> VideoPacketsAsync(string path)
    {
        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,dts", "-of", "csv=p=0", path]);
        return probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    /// <summary>
    /// The decoded frames' md5s with their timestamps (framemd5 without its header of stream parameters). -copyts: each
    /// frame's own timestamp, not shifted by where a reader thinks the file starts (the HLS demuxer and the MP4 one
    /// differ there once the audio, starting a priming frame before the video, is in the segments too).
    /// </summary>
    private static async Task<List<string>> FrameHashesAsync(string path)
    {
        var run = await FfmpegTool.FfmpegAsync(["-v", "error", "-copyts", "-i", path, "-map", "0:v:0", "-f", "framemd5", "-"]);
        var frames = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(250, frames.Count);
        return frames;
    }
}
