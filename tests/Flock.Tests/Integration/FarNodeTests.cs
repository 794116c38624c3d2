using System.Globalization;
using System.Text.RegularExpressions;
using Flock.Tests.Integration.Faults;
using Flock.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Flock.Tests.Integration;

/// <summary>
/// A node far from the seed (a cloud machine on another continent): every byte between them takes 100 ms there and
/// back. What every chunk of a job reads is kept on the node, each chunk's bytes come as one stream whose window
/// follows the link, and a chunk is read as it arrives: the paths a near node rarely takes, whose bytes must be the
/// very bytes of the source. How long it takes is bench/far-node's business.
/// </summary>
public sealed class FarNodeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_node_far_from_the_seed_should_encode_exactly_and_read_what_every_chunk_reads_once()
    {
        await using var far = await FarCluster.StartAsync();
        var (cluster, seed, node) = (far.Cluster, far.Seed, far.Node);
        var source = cluster.Scratch.File("source.mp4");
        // Its moov after its mdat, as ffmpeg writes by default: every chunk's ffmpeg reads the index at the file's end.
        await FfmpegTool.FfmpegAsync(["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=12", "-f", "lavfi", "-i", "sine=d=12",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-b:v", "4M", "-c:a", "aac", "-shortest", source]);
        var reads = await cluster.MetricAsync("flock_source_reads_total");

        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 2, FaultRig.Options);
        var wait = await cluster.PbmAsync("job", "wait", id);

        Assert.True(wait.ExitCode == 0, wait.Stderr + "\nseed:\n" + seed.Output + "\nnode:\n" + node.Output);
        var job = await cluster.JobAsync(id);
        var chunks = job.GetProperty("chunks").GetArrayLength();
        Assert.Equal(job.GetProperty("totalFrames").GetInt32(), job.GetProperty("chunks").EnumerateArray().Sum(c => c.GetProperty("frames").GetInt32()));
        await FaultRig.AssertFetchedEqualsReferenceAsync(cluster, id, source);
        Assert.Contains("(its source bytes fetched while it waited)", node.Output, StringComparison.Ordinal);
        reads = await cluster.MetricAsync("flock_source_reads_total") - reads;
        output.WriteLine($"{chunks} chunks, {reads} source reads answered by the seed");
        Assert.True(reads <= 5 * chunks, $"the far node asked the seed {reads} times for {chunks} chunks");
        Assert.DoesNotContain("no heartbeat from the seed", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("node node-far is unreachable", seed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_far_nodes_result_uploads_should_widen_their_window_to_what_the_link_carries()
    {
        // Lossless chunks of megabytes: at 8 elements per 100 ms round trip an upload is held to 5 MB/s, however fast
        // the link; each measured upload may double the window, to 32 elements.
        await using var far = await FarCluster.StartAsync();
        var (cluster, seed, node) = (far.Cluster, far.Seed, far.Node);
        var source = cluster.Scratch.File("source.mp4");
        // Noise that changes every frame: each 1 s chunk encoded lossless is about 8 MB, slowly enough (x264 medium) that
        // one chunk's upload is mostly done before the next chunk's starts, so an upload measures the link, not its share.
        await FfmpegTool.FfmpegAsync(["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=6", "-vf", "noise=alls=20:allf=t",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", source]);
        string[] options = ["-c:v", "libx264", "-preset", "medium", "-qp", "0"];

        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 1, options);
        var wait = await cluster.PbmAsync("job", "wait", id);

        Assert.True(wait.ExitCode == 0, wait.Stderr + "\nseed:\n" + seed.Output + "\nnode:\n" + node.Output);
        foreach (var line in node.Output.Split('\n').Where(l => l.Contains(" uploaded", StringComparison.Ordinal))) output.WriteLine(line);
        // Widened once measured: the first upload goes at 8, and any wider one proves the seed granted what was asked.
        Assert.True(Regex.IsMatch(node.Output, "uploaded, (16|32) elements in flight"), string.Join("\n", node.Output.Split('\n').Where(l => l.Contains("upload", StringComparison.Ordinal))));
        var fetched = cluster.Scratch.File("fetched.mp4");
        var fetch = await cluster.PbmAsync("job", "fetch", id, fetched);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        await MediaComparer.AssertEquivalentAsync(await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), options), fetched);
        Assert.DoesNotContain("node node-far is unreachable", seed.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A seed and one node whose whole cluster transport (chunk bytes, results, heartbeats) crosses a proxy holding each
    /// direction 50 ms with no limit on bandwidth: the seed announces the proxy's port as its own.
    /// </summary>
    private sealed record FarCluster(TcpProxy Proxy, TestCluster Cluster, FlockProcess Seed, FlockProcess Node) : IAsyncDisposable
    {
        public static async Task<FarCluster> StartAsync()
        {
            var remotePort = FlockProcess.FreePort();
            var proxy = new TcpProxy(remotePort, TimeSpan.FromMilliseconds(50));
            var cluster = new TestCluster();
            try
            {
                var seed = await cluster.StartSeedAsync(config: $"flock.seed {{ remote-port = {remotePort}, remote-public-port = {proxy.Port} }}\n",
                    env: new Dictionary<string, string> { ["FLOCK_SEED_REMOTE_PORT"] = remotePort.ToString(CultureInfo.InvariantCulture) });
                var node = await cluster.StartNodeAsync("node-far");
                await node.WaitForOutputAsync("cluster member up", TimeSpan.FromSeconds(30));
                return new FarCluster(proxy, cluster, seed, node);
            }
            catch
            {
                cluster.Dispose();
                await proxy.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            Cluster.Dispose();
            await Proxy.DisposeAsync();
        }
    }
}
