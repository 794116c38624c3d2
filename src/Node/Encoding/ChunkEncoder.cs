using System.Globalization;
using Flock.Media.Encoding;
using Flock.Media.Options;
using Flock.Media.Processes;
using Flock.Messages;
using Flock.Messages.Chunks;
using Flock.Node.Connection;

namespace Flock.Node.Encoding;

/// <summary>
/// Runs ffmpeg for one assignment, reading the source through this node's <see cref="SourceRelay"/> (HTTP ranges on
/// loopback, each relayed from the seed over Akka.Remote).
/// </summary>
public static class ChunkEncoder
{
    /// <param name="session">the node's control session now (null between sessions): a two-pass chunk asks it for its second pass's rate.</param>
    /// <param name="onNotice">hears what the node decided along the way (a chunk encoded again for its bitrate).</param>
    /// <param name="ahead">first passes of the two-pass chunks waiting behind this one: run here before this chunk asks its rate.</param>
    public static async Task<string> EncodeAsync(AssignChunk a, Func<SeedConnection?> session, SourceRelay relay, string workDir, int threads,
        Action<FfmpegProgress> onProgress, CancellationToken ct, Action<string>? onNotice = null, FirstPassesAhead? ahead = null)
    {
        CheckAssignment(a);
        var twoPass = TwoPass.IsRequested(a.VideoOptions);
        // A chunk encoded more than once (two passes; a rate target's correction) reads its source each time. Held here
        // from the start, as a chunk waiting in reserve is, every pass reads it from memory, and the seed sends it once.
        // Not every chunk: on a slow link a whole chunk fetched at once beside the reserve's queues a heartbeat behind
        // both (SlowLinkTests lost the seed's at 48 KB/s), where ffmpeg's own reads go at the pace it decodes.
        if (twoPass || VideoBitrate.TargetOf(a.VideoOptions) is not null) relay.Prefetch(a);
        var statistics = StatisticsPrefix(workDir, a);
        try
        {
            return await EncodeToRateAsync(a, session, relay, workDir, threads, onProgress, ct, onNotice, twoPass, statistics, ahead).ConfigureAwait(false);
        }
        finally
        {
            if (twoPass)
            {
                if (ahead is not null) ahead.Forget(a, workDir);
                else DeleteStatistics(workDir, a);
            }
        }
    }

    /// <summary>Where a two-pass chunk attempt's statistics go (ffmpeg's <c>-passlogfile</c> prefix).</summary>
    private static string StatisticsPrefix(string workDir, AssignChunk a) => Path.Combine(workDir, $"job{a.JobId}-chunk{a.ChunkIndex}-attempt{a.Attempt}-pass");

    /// <summary>Removes a chunk attempt's first-pass statistics.</summary>
    public static void DeleteStatistics(string workDir, AssignChunk a)
    {
        if (!Directory.Exists(workDir)) return;
        foreach (var log in Directory.EnumerateFiles(workDir, Path.GetFileName(StatisticsPrefix(workDir, a)) + "*")) File.Delete(log);
    }

    private static async Task<string> EncodeToRateAsync(AssignChunk a, Func<SeedConnection?> session, SourceRelay relay, string workDir, int threads,
        Action<FfmpegProgress> onProgress, CancellationToken ct, Action<string>? onNotice, bool twoPass, string statistics, FirstPassesAhead? ahead)
    {
        var options = a.VideoOptions;
        if (twoPass)
        {
            // The first pass only gathers statistics; its file is never used. The second pass (and a correction of its
            // rate) reads them, aiming at the share of the file's bits the seed gives the chunk by what its first pass
            // spent at the constant quality every chunk's first pass runs at.
            var weighs = FirstPassStats.Weighs(EncoderOptions.Parse(options).VideoEncoder);
            var ranAhead = ahead is not null && await ahead.WeightOfAsync(a, ct).ConfigureAwait(false) is not null && File.Exists(statistics + "-0.log");
            if (!ranAhead)
            {
                Discard(await EncodeOnceAsync(a, TwoPass.ForPass(weighs ? FirstPassStats.ConstantQuality(options, ahead?.FirstPassCrf(a.JobId)) : options, 1, statistics),
                    relay, workDir, threads, onProgress, ct).ConfigureAwait(false));
            }
            else onNotice?.Invoke($"job {a.JobId} chunk {a.ChunkIndex} attempt {a.Attempt}: first pass already run while it waited");
            if (weighs && ahead is not null) await WeighWaitingChunksAsync(a, ahead, session, relay, workDir, threads, onNotice, ct).ConfigureAwait(false);
            var (weight, model) = await FirstPassOfAsync(statistics, ct).ConfigureAwait(false);
            var answer = weight is { } w ? await SecondPassRateAsync(a, session(), w, model, mayRunAgain: weighs, ct).ConfigureAwait(false) : null;
            if (answer is not null) ahead?.Heard(a.JobId, answer);
            if (answer is { RunFirstPassAgain: true, FirstPassCrf: { } nearer })
            {
                onNotice?.Invoke($"job {a.JobId} chunk {a.ChunkIndex} attempt {a.Attempt}: first pass runs again at CRF {nearer:0.0}, nearer its second pass's quantisers");
                (weight, model) = await FirstPassAsync(a, FirstPassStats.ConstantQuality(options, nearer), statistics, relay, workDir, threads, onProgress, ct)
                    .ConfigureAwait(false);
                answer = weight is { } rerun ? await SecondPassRateAsync(a, session(), rerun, model, mayRunAgain: false, ct).ConfigureAwait(false) : null;
            }
            if (answer?.BitsPerSecond is { } rate) options = ChunkBitrate.Ask(options, rate);
        }
        IReadOnlyList<string> Video(IReadOnlyList<string> o) => twoPass ? TwoPass.ForPass(o, 2, statistics) : o;
        var output = await EncodeOnceAsync(a, Video(options), relay, workDir, threads, onProgress, ct).ConfigureAwait(false);
        if (VideoBitrate.TargetOf(options) is not { } asked) return output;
        // Asked for a rate, the encoder lands off it on a chunk of a few seconds (x264 one-pass: 7 % under on 2 s):
        // the file's target holds only if each chunk lands near what it was asked, so a chunk that missed goes again.
        var achieved = await ChunkBitrate.MeasureAsync(output, ct).ConfigureAwait(false);
        if (ChunkBitrate.Correction(asked, achieved) is not { } corrected) return output;
        onNotice?.Invoke($"job {a.JobId} chunk {a.ChunkIndex} attempt {a.Attempt}: {ChunkBitrate.Kbps(achieved)} kb/s for {ChunkBitrate.Kbps(asked)} asked; encoding again at {ChunkBitrate.Kbps(corrected)} kb/s");
        var first = Path.ChangeExtension(output, ".first.mp4");
        File.Move(output, first, overwrite: true);
        File.Move(FrameHashFile(output), FrameHashFile(first), overwrite: true);
        string second;
        double again;
        try
        {
            second = await EncodeOnceAsync(a, Video(ChunkBitrate.Ask(options, corrected)), relay, workDir, threads, onProgress, ct)
                .ConfigureAwait(false);
            again = await ChunkBitrate.MeasureAsync(second, ct).ConfigureAwait(false);
        }
        catch
        {
            Discard(first);
            throw;
        }
        if (Math.Abs(again - asked) <= Math.Abs(achieved - asked))
        {
            Discard(first);
            return second;
        }
        File.Move(first, output, overwrite: true);
        File.Move(FrameHashFile(first), FrameHashFile(output), overwrite: true);
        return output;
    }

    /// <summary>
    /// Reads what the first pass spent from its statistics and asks the seed what the second pass should aim at; null
    /// (keep the rate the assignment carried) when the encoder's statistics are not x264's text, or the seed cannot say: the chunk is
    /// still encoded to a rate, only by the source's measure.
    /// </summary>
    private static async Task<FetchSecondPassRateResponse?> SecondPassRateAsync(AssignChunk a, SeedConnection? session, double weight, FirstPassBits? model, bool mayRunAgain,
        CancellationToken ct)
    {
        if (session is null) return null;
        try
        {
            return await session.AskAsync<FetchSecondPassRateResponse>(
                new FetchSecondPassRate(a.JobId, a.ChunkIndex, a.Attempt, weight, Model: model, MayRunFirstPassAgain: mayRunAgain), SecondPassTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Akka.Actor.AskTimeoutException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private static readonly TimeSpan SecondPassTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="a"/>'s first pass with <paramref name="firstPassOptions"/> and reads what it measured (<see cref="FirstPassOfAsync"/>).</summary>
    private static async Task<(double? Weight, FirstPassBits? Model)> FirstPassAsync(AssignChunk a, IReadOnlyList<string> firstPassOptions, string statistics,
        SourceRelay relay, string workDir, int threads, Action<FfmpegProgress> onProgress, CancellationToken ct)
    {
        Discard(await EncodeOnceAsync(a, TwoPass.ForPass(firstPassOptions, 1, statistics), relay, workDir, threads, onProgress, ct).ConfigureAwait(false));
        return await FirstPassOfAsync(statistics, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// What an x264 first pass spent, and the chunk's bits as a function of the file's rate factor
    /// (<see cref="FirstPassModel"/>), from one read of its statistics; nulls for another encoder's (binary) statistics.
    /// </summary>
    private static async Task<(double? Weight, FirstPassBits? Model)> FirstPassOfAsync(string statistics, CancellationToken ct)
    {
        var log = statistics + "-0.log";
        if (!File.Exists(log)) return (null, null);
        var text = await File.ReadAllTextAsync(log, ct).ConfigureAwait(false);
        return (FirstPassStats.X264Bits(text), FirstPassModel.FromX264(text) is { IsUsable: true } m ? new FirstPassBits(m.Texture, m.Motion, m.Misc, m.Crf, m.ScaleLog2) : null);
    }

    /// <summary>
    /// Runs the first pass of each two-pass chunk of the same job waiting behind <paramref name="current"/> and tells the
    /// seed its weight, so that the rate <paramref name="current"/> asks next is shared among more weighed chunks.
    /// </summary>
    private static async Task WeighWaitingChunksAsync(AssignChunk current, FirstPassesAhead ahead, Func<SeedConnection?> session, SourceRelay relay, string workDir,
        int threads, Action<string>? onNotice, CancellationToken ct)
    {
        foreach (var next in ahead.Waiting)
        {
            if (ct.IsCancellationRequested) return;
            if (next.JobId != current.JobId || !TwoPass.IsRequested(next.VideoOptions) || ahead.Holds(next)) continue;
            CheckAssignment(next);
            var statistics = StatisticsPrefix(workDir, next);
            FirstPassBits? model = null;
            if (!ahead.TryRun(next, async own =>
                {
                    using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, own);
                    (var weight, model) = await FirstPassAsync(next, FirstPassStats.ConstantQuality(next.VideoOptions, ahead.FirstPassCrf(next.JobId)), statistics, relay,
                        workDir, threads, _ => { }, both.Token).ConfigureAwait(false);
                    return weight;
                }, out var weighing)) continue;
            if (await weighing.ConfigureAwait(false) is not { } weight || session() is not { } link) continue;
            onNotice?.Invoke($"job {next.JobId} chunk {next.ChunkIndex} attempt {next.Attempt}: first pass run while it waits, before chunk {current.ChunkIndex} asks its rate");
            try
            {
                ahead.Heard(next.JobId, await link.AskAsync<FetchSecondPassRateResponse>(
                    new FetchSecondPassRate(next.JobId, next.ChunkIndex, next.Attempt, weight, RateWanted: false, Model: model), SecondPassTimeout, ct).ConfigureAwait(false));
            }
            catch (Exception e) when (e is Akka.Actor.AskTimeoutException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // The seed weighs it when the chunk asks its own rate.
            }
        }
    }

    /// <param name="videoOptions">what ffmpeg is given: the assignment's options, with a corrected rate or a pass's statistics.</param>
    private static async Task<string> EncodeOnceAsync(AssignChunk a, IReadOnlyList<string> videoOptions, SourceRelay relay, string workDir, int threads,
        Action<FfmpegProgress> onProgress, CancellationToken ct)
    {
        Directory.CreateDirectory(workDir);
        var output = Path.Combine(workDir, $"job{a.JobId}-chunk{a.ChunkIndex}-attempt{a.Attempt}.mp4");
        var hashes = FrameHashFile(output);
        var encoder = EncoderOptions.Parse(a.VideoOptions).VideoEncoder;
        // The node's share of its cores, unless the job's options name a thread count themselves: theirs wins, as it would
        // on a single machine (an -threads added after it would override it).
        var video = EncoderThreads.Limit(videoOptions, encoder, threads);
        var spec = new ChunkEncodeSpec(SourceUrl(relay.BaseUri, a), $"Bearer {relay.Token}", a.SeekSeconds, a.StreamIndex, a.TimeBaseDenominator, a.StartPts, a.EndPts,
            video, a.VideoFilter, output) { FrameHashPath = hashes, WholeHashFrames = a.WholeHashFrames, TimeBaseNumerator = a.TimeBaseNumerator };
        var parser = new FfmpegProgressParser();
        var input = new InputTrouble(encoder);
        var failedReads = relay.FailedAnswers(spec.SourceUrl);
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath, ChunkEncodeArguments.Build(spec), ct,
                line => { if (parser.Feed(line) is { } p) onProgress(p); }, captureStdout: false, onStderrLine: input.Feed).ConfigureAwait(false);
            if (relay.FailedAnswers(spec.SourceUrl) > failedReads) input.LinkBroke();
        }
        finally
        {
            relay.ForgetFailedAnswers(spec.SourceUrl);
        }
        var decodeError = input.DecodeError(result.Succeeded, result.LastErrorLine);
        if (!result.Succeeded || decodeError is not null)
        {
            // ffmpeg names the input first; the source's URL says nothing to a user.
            decodeError = decodeError?.Replace(spec.SourceUrl + ": ", "", StringComparison.Ordinal);
            Discard(output);
            var from = a.SeekSeconds is { } ss ? string.Create(CultureInfo.InvariantCulture, $"decoding from {ss:0.###}s") : "decoding from the start";
            // A concealed error leaves ffmpeg's exit code 0: its line is the reason, and the result is never uploaded.
            // A link that failed under ffmpeg can cut the source short: that is the node's (or the network's) failure, not the
            // source's, even when ffmpeg took the cut for the end of the file and exited 0. A retry shows a damaged source again.
            if (input.BlamesSource(result.Succeeded, result.LastErrorLine))
                throw new SourceDecodeException($"source decode error in chunk {a.ChunkIndex} ({from}): {decodeError}", result.StandardErrorTail);
            throw new MediaException($"ffmpeg failed on chunk {a.ChunkIndex}: {result.LastErrorLine}", result.StandardErrorTail);
        }
        await ChunkFrameHashes.CompleteAsync(spec, ct).ConfigureAwait(false);
        return output;
    }

    /// <summary>
    /// The job's source at the relay (or any base); with the chunk's byte span, so the seed answers each of ffmpeg's
    /// open-ended range reads with only the bytes the chunk needs (ffmpeg reconnects from where an answer ends).
    /// </summary>
    public static string SourceUrl(Uri seed, AssignChunk a) =>
        new Uri(seed, a.SourceBytes is { } span ? $"{a.SourcePath}?{SourceByteQuery.Format(span)}" : a.SourcePath).ToString();

    /// <summary>The frame hashes (ffmpeg framehash, murmur3) of the source frames the encode of <paramref name="result"/> was fed, written next to it.</summary>
    public static string FrameHashFile(string result) => Path.ChangeExtension(result, ".framehash");

    /// <summary>Removes a result and its frame hashes (a failed attempt, or one the seed has).</summary>
    public static void Discard(string result)
    {
        foreach (var file in new[] { result, FrameHashFile(result), ChunkFrameHashes.CornerFile(FrameHashFile(result)) })
            if (File.Exists(file)) File.Delete(file);
    }

    /// <summary>
    /// The node does not take the seed's word for it: ids must be ids, the source must be the job's own source on
    /// the seed, and the options must pass the allowlist, before ffmpeg ever starts.
    /// </summary>
    public static void CheckAssignment(AssignChunk a)
    {
        if (a.JobId.Length is 0 or > 18 || !a.JobId.All(char.IsAsciiDigit) || a.ChunkIndex < 0 || a.Attempt < 0)
            throw new MediaException($"the node refused the assignment: bad job or chunk id '{a.JobId}'/{a.ChunkIndex}");
        if (a.SourcePath != $"/api/jobs/{a.JobId}/source")
            throw new MediaException($"the node refused the assignment: the source must be the job's source on the seed, not '{a.SourcePath}'");
        try
        {
            EncoderOptions.CheckVideoAssignment(a.VideoOptions, a.VideoFilter);
        }
        catch (MediaException e)
        {
            throw new MediaException($"the node refused the assignment: {e.Message}");
        }
    }
}
