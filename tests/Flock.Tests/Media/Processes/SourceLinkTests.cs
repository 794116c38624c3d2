using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Flock.Media.Encoding;
using Flock.Media.Processes;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media.Processes;

/// <summary>
/// A node's ffmpeg reads its chunk's source over HTTP, through a link that can break. The seed ends answers at the
/// chunk's span on purpose (ffmpeg reconnects from there), so "Stream ends prematurely" alone says nothing; a link
/// that stays broken makes the demuxer complain about the file, and that must not be taken for a damaged source, whose
/// keyframe would then be journaled as a bad place to start decoding.
/// </summary>
public sealed class SourceLinkTests
{
    [Fact]
    public async Task An_answer_ended_at_the_span_on_purpose_should_be_read_on_and_blame_nothing()
    {
        using var scratch = ScratchDirectory.Create("flock-link");
        var bytes = await File.ReadAllBytesAsync(await SourceAsync(scratch, indexFirst: false));
        // The first answer ends halfway, as the seed ends one at a chunk's span; every later answer is whole.
        await using var server = RangeServer.Start(bytes, (request, start) => request == 1 ? bytes.Length / 2 : null);

        var (result, input) = await EncodeAsync(server, scratch);

        Assert.True(result.Succeeded, result.StandardErrorTail);
        Assert.True(server.Requests > 1, "ffmpeg never read on after the cut answer");
        Assert.False(input.LinkFailed);
        Assert.Null(input.DecodeError(result.Succeeded, result.LastErrorLine));
        Assert.False(input.BlamesSource(result.Succeeded, result.LastErrorLine));
    }

    [Fact]
    public async Task A_link_that_breaks_mid_read_should_fail_the_run_as_the_link_not_as_the_source()
    {
        using var scratch = ScratchDirectory.Create("flock-link");
        var source = await SourceAsync(scratch, indexFirst: true);
        var bytes = await File.ReadAllBytesAsync(source);
        // Cut halfway through the pictures, then every reconnect refused, as a relay whose session ended answers.
        await using var server = RangeServer.Start(bytes, (request, start) => request == 1 ? bytes.Length / 2 : -503);

        var (result, input) = await EncodeAsync(server, scratch);

        // The demuxer complains of the file it was cut off from: on its own, that line reads as a damaged source.
        Assert.NotNull(input.DecodeError(result.Succeeded, result.LastErrorLine));
        Assert.True(input.LinkFailed, result.StandardErrorTail);
        Assert.False(input.BlamesSource(result.Succeeded, result.LastErrorLine));
    }

    [Fact]
    public async Task A_refused_read_of_the_index_shows_only_as_the_demuxer_s_error_so_the_relay_s_word_should_count()
    {
        using var scratch = ScratchDirectory.Create("flock-link");
        var bytes = await File.ReadAllBytesAsync(await SourceAsync(scratch, indexFirst: false));
        // The start is read, the seek to the index at the end is refused: ffmpeg prints no line of the link's at -v error.
        await using var server = RangeServer.Start(bytes, (request, start) => request == 1 ? null : -503);

        var (result, input) = await EncodeAsync(server, scratch);

        Assert.False(result.Succeeded);
        Assert.False(input.LinkFailed, result.StandardErrorTail);
        Assert.True(input.BlamesSource(result.Succeeded, result.LastErrorLine), result.StandardErrorTail);
        // What the node's relay reports of the answers it could not give settles it.
        input.LinkBroke();
        Assert.False(input.BlamesSource(result.Succeeded, result.LastErrorLine));
    }

    [Fact]
    public void A_damaged_picture_over_a_link_that_held_should_blame_the_source()
    {
        var input = new InputTrouble("libx264");
        input.Feed("[http @ 0x55d0c4a3e2c0] Stream ends prematurely at 4000, should be 9000");
        input.Feed("[h264 @ 0x55d0c4a3e2c0] error while decoding MB 12 3, bytestream -5");

        Assert.False(input.LinkFailed);
        Assert.True(input.BlamesSource(true, null));
    }

    [Theory]
    [InlineData("[http @ 0x5600] Stream ends prematurely at 4000, should be 9000", "[http @ 0x5600] Stream ends prematurely at 4000, should be 9000")]
    [InlineData("[http @ 0x5600] Stream ends prematurely at 4000, should be 9000", "[http @ 0x5600] Stream ends prematurely at 4000, should be 18446744073709551615")]
    [InlineData("[http @ 0x5600] Stream ends prematurely at 4000, should be 9000", "    Last message repeated 3 times")]
    [InlineData("[tcp @ 0x5600] Connection to tcp://127.0.0.1:4053 failed: Connection refused", "")]
    public void Signs_of_a_broken_link_should_be_told_apart_from_a_cut_on_purpose(string first, string second)
    {
        var input = new InputTrouble("libx264");
        input.Feed(first);
        input.Feed(second);
        input.Feed("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5566] stream 0, offset 0x21f19: partial file");

        Assert.True(input.LinkFailed);
        Assert.False(input.BlamesSource(true, null));
    }

    /// <summary>An MP4 with its index (moov) after the media, as cameras write them (ffmpeg reads the start, the end, then the media), or before it.</summary>
    private static async Task<string> SourceAsync(ScratchDirectory scratch, bool indexFirst)
    {
        var path = scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=4", "-c:v", "libx264", "-preset", "ultrafast",
            "-g", "25", "-pix_fmt", "yuv420p", .. indexFirst ? new[] { "-movflags", "+faststart" } : [], path]);
        return path;
    }

    /// <summary>The command a node runs for a whole-file chunk, its stderr read as the node reads it.</summary>
    private static async Task<(Flock.Media.Processes.ProcessResult Result, InputTrouble Input)> EncodeAsync(RangeServer server, ScratchDirectory scratch)
    {
        var spec = new ChunkEncodeSpec(server.Url, null, null, 0, 12800, 0, null, ["-c:v", "libx264", "-preset", "ultrafast"], null, scratch.File("chunk.mp4"))
        {
            FrameHashPath = scratch.File("chunk.framehash"),
        };
        var input = new InputTrouble("libx264");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath, ChunkEncodeArguments.Build(spec), timeout.Token, onStderrLine: input.Feed);
        return (result, input);
    }

    /// <summary>
    /// A one-file HTTP server that answers ranges the way the seed and the node's relay do (206, the file's length in
    /// Content-Range), one connection at a time. <c>answer(request, start)</c>: null, the whole rest; a positive n, the
    /// bytes up to n (an answer ended early, its Content-Range saying so); a negative n, that status with no body.
    /// </summary>
    private sealed class RangeServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _serving = Task.CompletedTask;
        private int _requests;

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/source.mp4";

        public int Requests => Volatile.Read(ref _requests);

        public static RangeServer Start(byte[] file, Func<int, long, long?> answer)
        {
            var server = new RangeServer();
            server._listener.Start();
            server._serving = Task.Run(() => server.ServeAsync(file, answer));
            return server;
        }

        private async Task ServeAsync(byte[] file, Func<int, long, long?> answer)
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0) break;
                    request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                var start = 0L;
                foreach (var line in request.ToString().Split("\r\n"))
                {
                    if (line.StartsWith("Range: bytes=", StringComparison.OrdinalIgnoreCase))
                        start = long.Parse(line["Range: bytes=".Length..].Split('-')[0], CultureInfo.InvariantCulture);
                }
                var end = answer(Interlocked.Increment(ref _requests), start) ?? file.Length;
                if (end < 0)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {-end} Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), _stop.Token);
                    continue;
                }
                end = Math.Clamp(end, start, file.Length);
                var head = $"HTTP/1.1 206 Partial Content\r\nAccept-Ranges: bytes\r\nContent-Range: bytes {start}-{end - 1}/{file.Length}\r\nContent-Length: {end - start}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(file.AsMemory((int)start, (int)(end - start)), _stop.Token);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            try { await _serving; }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
            _stop.Dispose();
        }
    }
}
