using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Flock.Messages;
using Flock.Messages.Jobs;
using Xunit;

namespace Flock.Tests.Integration.Security;

/// <summary>Files named by path on the seed: only under the media roots, by real path, so `..` and symlinks cannot escape.</summary>
public sealed class MediaRootsTests
{
    private static async Task<(HttpStatusCode Status, string Body)> SubmitAsync(TestCluster cluster, string input, string? output)
    {
        using var response = await cluster.Http.PostAsJsonAsync("api/jobs", new SubmitJobRequest(input, output, ["-c:v", "libx264", "-preset", "ultrafast"], 2), WireJson.Options);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Seed_should_only_take_named_files_from_under_its_media_roots()
    {
        using var cluster = new TestCluster();
        var root = Directory.CreateDirectory(cluster.Scratch.File("media")).FullName;
        var outside = Directory.CreateDirectory(cluster.Scratch.File("private")).FullName;
        var clip = await Support.TestClips.ConstantFrameRateMp4();
        File.Copy(clip, Path.Combine(root, "in.mp4"));
        File.Copy(clip, Path.Combine(outside, "secret.mp4"));
        File.CreateSymbolicLink(Path.Combine(root, "link.mp4"), Path.Combine(outside, "secret.mp4"));
        Directory.CreateSymbolicLink(Path.Combine(root, "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(root, "out-link.mp4"), Path.Combine(outside, "overwritten.mp4"));

        // Without roots, naming files is off altogether.
        await cluster.StartSeedAsync();
        var off = await SubmitAsync(cluster, Path.Combine(root, "in.mp4"), null);
        Assert.Equal(HttpStatusCode.Forbidden, off.Status);
        Assert.Contains("media-roots", off.Body, StringComparison.Ordinal);
        cluster.Seed!.KillHard();

        var config = cluster.Scratch.File("roots.conf");
        await File.WriteAllTextAsync(config, $"flock.seed.media-roots = [{JsonSerializer.Serialize(root)}]\n");
        await cluster.StartSeedAsync(configFile: config);

        (string Input, string? Output, string Says)[] refused =
        [
            (Path.Combine(outside, "secret.mp4"), null, "outside flock.seed.media-roots"),
            (root + "/../private/secret.mp4", null, "must not contain .. segments"),
            (Path.Combine(root, "link.mp4"), null, "outside flock.seed.media-roots"),
            (Path.Combine(root, "escape", "secret.mp4"), null, "outside flock.seed.media-roots"),
            ("in.mp4", null, "must be absolute"),
            (Path.Combine(root, "in.mp4"), Path.Combine(outside, "out.mp4"), "outside flock.seed.media-roots"),
            (Path.Combine(root, "in.mp4"), Path.Combine(root, "escape", "out.mp4"), "outside flock.seed.media-roots"),
            (Path.Combine(root, "in.mp4"), Path.Combine(root, "out-link.mp4"), "is a symbolic link"),
        ];
        foreach (var (input, output, says) in refused)
        {
            var r = await SubmitAsync(cluster, input, output);
            Assert.True(r.Status == HttpStatusCode.Forbidden, $"{input} -> {output}: {r.Status} {r.Body}");
            Assert.Contains(says, r.Body, StringComparison.Ordinal);
        }
        Assert.Contains("\"jobs\":[]", await cluster.Http.GetStringAsync("api/jobs"), StringComparison.Ordinal);
        // The output named as the input (compared as real paths) would replace the source.
        var same = await SubmitAsync(cluster, Path.Combine(root, "in.mp4"), Path.Combine(root, "in.mp4"));
        Assert.True(same.Status == HttpStatusCode.BadRequest && same.Body.Contains("is the input: it would replace the source", StringComparison.Ordinal), $"{same.Status} {same.Body}");

        var accepted = await SubmitAsync(cluster, Path.Combine(root, "in.mp4"), Path.Combine(root, "out.mp4"));
        Assert.True(accepted.Status == HttpStatusCode.Created, accepted.Body);
        Assert.False(File.Exists(Path.Combine(outside, "overwritten.mp4")));
    }

    [Fact]
    public async Task An_uploaded_playlist_should_be_refused_before_ffmpeg_follows_it()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var clip = await Support.TestClips.ConstantFrameRateMp4();
        // An HLS playlist named .mp4 whose segment is a file on the seed: ffmpeg would read it if it probed freely.
        var playlist = cluster.Scratch.File("innocent.mp4");
        await File.WriteAllTextAsync(playlist, $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile://{clip}\n#EXT-X-ENDLIST\n");

        var submit = await cluster.PbmAsync("job", "submit", playlist, cluster.Scratch.File("out.mp4"), "--detach");

        Assert.Equal(1, submit.ExitCode);
        var line = Assert.Single(submit.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("not a readable video: innocent.mp4", line, StringComparison.Ordinal);
        Assert.Contains("\"jobs\":[]", await cluster.Http.GetStringAsync("api/jobs"), StringComparison.Ordinal);
    }
}
