using Akka.Actor;
using Flock.Media.Live;
using Flock.Media.Planning;
using Flock.Seed.Chunks;
using Flock.Seed.Hosting;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Live;

/// <summary>
/// Publishes one job as HLS while it encodes: whenever the in-order verified prefix grows, the next chunk is remuxed
/// into segments (a Task piped back, one chunk at a time) and the playlist rewritten. A seed restart publishes the
/// verified prefix again from the start: the segments are cheap stream copies, and nothing half-written survives.
/// Before the first chunk the job's audio is made ready once (<see cref="LiveAudio.PrepareAsync"/>), as it is muxed into
/// every segment, and its subtitles are published whole (<see cref="LiveSubtitles"/>): the playlist then becomes a master
/// playlist naming the media playlist and the subtitles rendition.
/// </summary>
public sealed class LiveActor : ReceiveActor
{
    private readonly string _liveDirectory;
    private readonly string _chunkDirectory;
    private readonly double _hlsSeconds;
    private readonly LiveSource _source;
    private ChunkPlan? _plan;
    /// <summary>Until ready: not prepared yet. Then the audio's source and the subtitles (each null when the source has none).</summary>
    private (LiveAudio? Audio, LiveSubtitles? Subtitles, bool Ready) _prepared;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _lifetime = new();
    private LivePlaylist _playlist = LivePlaylist.Empty;
    private int _verified;
    private SettleLive? _settled;
    private bool _running;
    private bool _broken;

    public LiveActor(string liveDirectory, string chunkDirectory, double hlsSeconds, LiveSource source, ILoggerFactory logs)
    {
        _liveDirectory = liveDirectory;
        _chunkDirectory = chunkDirectory;
        _hlsSeconds = hlsSeconds;
        _source = source;
        _log = ActorLogging.For(logs, typeof(LiveActor), Self);
        Restart();
        // The audio and subtitles are made ready while the first chunk encodes, so publishing it is one remux.
        Prepare(0);

        Receive<LivePrefixVerified>(v =>
        {
            if (_settled is not null)
            {
                // A retried job: its verified chunks are still there, its live files perhaps not.
                _settled = null;
                if (!Directory.Exists(_liveDirectory)) Restart();
            }
            _verified = Math.Max(_verified, v.Chunks);
            _plan = v.Plan;
            PublishNext();
        });
        Receive<SettleLive>(s =>
        {
            _settled = s;
            if (s.CompletedChunks is { } total) _verified = Math.Max(_verified, total);
            _plan = s.Plan ?? _plan;
            PublishNext();
        });
        Receive<LiveChunkPublished>(p =>
        {
            _running = false;
            if (!Directory.Exists(_liveDirectory)) return; // removed meanwhile (the job settled); the segments went with it
            _playlist = _playlist.Append(p.Segments);
            WritePlaylist();
            _log.LogInformation("chunk {Chunk} published live: {Segments} segments, {Ms:0} ms", p.Index, p.Segments.Count, p.Took.TotalMilliseconds);
            PublishNext();
        });
        Receive<LivePrepared>(p =>
        {
            _running = false;
            _prepared = (p.Audio, p.Subtitles, true);
            if (!Directory.Exists(_liveDirectory)) return;
            WritePlaylist();
            PublishNext();
        });
        Receive<LiveChunkFailed>(f =>
        {
            _running = false;
            // The job itself is unharmed: only its live view stops growing, and it must not hold the job back.
            _broken = true;
            _log.LogWarning("live publishing stopped at chunk {Chunk}: {Reason}", f.Index, f.Reason);
            Context.Parent.Tell(new LiveCaughtUp(int.MaxValue));
            PublishNext();
        });
    }

    public static Props Props(string liveDirectory, string chunkDirectory, double hlsSeconds, LiveSource source, ILoggerFactory logs) =>
        Akka.Actor.Props.Create(() => new LiveActor(liveDirectory, chunkDirectory, hlsSeconds, source, logs));

    protected override void PostStop()
    {
        _lifetime.Cancel();
        // A running job's live files are made again from its chunks when it starts again; only kept ones stay.
        if (_settled is not { Keep: true }) Remove();
        base.PostStop();
    }

    private void Restart()
    {
        Remove();
        Directory.CreateDirectory(_liveDirectory);
        (_playlist, _broken, _prepared) = (LivePlaylist.Empty, false, (null, null, false));
        WritePlaylist();
    }

    private void PublishNext()
    {
        if (_running) return;
        var next = _playlist.PublishedChunks;
        if (next < _verified && !_broken && _settled is not { CompletedChunks: null } && _plan is { } plan)
        {
            _running = true;
            if (!_prepared.Ready)
            {
                Prepare(next);
                return;
            }
            var (file, live, seconds, audio, tag, ct) = (ChunkActor.ResultFile(_chunkDirectory, next), _liveDirectory, _hlsSeconds, _prepared.Audio, _source.VideoTag, _lifetime.Token);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Task.Run(() => HlsSegmenter.SegmentAsync(file, next, live, seconds, plan, audio, tag, ct), CancellationToken.None)
                .PipeTo(Self, success: s => new LiveChunkPublished(next, s, clock.Elapsed), failure: e => new LiveChunkFailed(next, e.Message));
            return;
        }
        if (!_broken) Context.Parent.Tell(new LiveCaughtUp(next));
        if (_settled is not { } settled || !Directory.Exists(_liveDirectory)) return;
        if (settled.CompletedChunks is { } total && next >= total && !_playlist.Ended)
        {
            _playlist = _playlist.End();
            WritePlaylist();
            // Every segment has its audio now: the track copied or encoded for them is of no more use, kept or not.
            TryDelete(Path.Combine(_liveDirectory, "audio.work"));
        }
        if (!settled.Keep) Remove();
    }

    /// <summary>Makes the audio and subtitles ready (a Task piped back as <see cref="LivePrepared"/>); <paramref name="next"/> is the chunk blamed if it fails.</summary>
    private void Prepare(int next)
    {
        _running = true;
        var (source, folder, work) = (_source, _liveDirectory, Path.Combine(_liveDirectory, "audio.work"));
        var token = _lifetime.Token;
        var log = _log;
        Task.Run(async () => new LivePrepared(
                await Optional(() => LiveAudio.PrepareAsync(source.SourcePath, source.Source, source.AudioOptions, source.OutputPath, work, token), "audio", log).ConfigureAwait(false),
                await Optional(() => LiveSubtitles.PrepareAsync(source.SourcePath, source.Source, folder, token), "subtitles", log).ConfigureAwait(false)),
                CancellationToken.None)
            .PipeTo(Self, failure: e => new LiveChunkFailed(next, $"preparing the audio and subtitles: {e.Message}"));
    }

    private void Remove() => TryDelete(_liveDirectory);

    private void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("cannot remove {Dir}: {Error}", directory, e.Message);
        }
    }

    /// <summary>
    /// A track the live segments cannot carry (a codec fMP4 has no sample entry for, say) leaves the live view without
    /// it rather than without everything: the output has it as always.
    /// </summary>
    private static async Task<T?> Optional<T>(Func<Task<T?>> prepare, string what, ILogger log) where T : class
    {
        try
        {
            return await prepare().ConfigureAwait(false);
        }
        catch (Flock.Media.Processes.MediaException e)
        {
            log.LogWarning("live view without {What}: {Reason}", what, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Written aside and renamed over, so a player never reads half a playlist. With subtitles, the media playlist goes
    /// beside a master playlist (under the one name players are given) that names it and the subtitles rendition.
    /// </summary>
    private void WritePlaylist()
    {
        if (_prepared.Subtitles is { } subtitles)
        {
            Write(LivePlaylist.VideoFileName, _playlist.Render());
            Write(LivePlaylist.FileName, subtitles.RenderMaster(LivePlaylist.VideoFileName));
        }
        else Write(LivePlaylist.FileName, _playlist.Render());
    }

    private void Write(string name, string text)
    {
        var path = Path.Combine(_liveDirectory, name);
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
