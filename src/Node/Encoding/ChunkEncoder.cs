using System.Globalization;
using Flock.Media.Encoding;
using Flock.Media.Options;
using Flock.Media.Processes;
using Flock.Messages.Chunks;
using Flock.Node.Connection;

namespace Flock.Node.Encoding;

/// <summary>Runs ffmpeg for one assignment, reading the source from the seed over HTTP ranges.</summary>
public static class ChunkEncoder
{
    public static async Task<string> EncodeAsync(AssignChunk a, SeedLink seed, string transferToken, string workDir, int threads,
        Action<FfmpegProgress> onProgress, CancellationToken ct)
    {
        CheckAssignment(a);
        Directory.CreateDirectory(workDir);
        var output = Path.Combine(workDir, $"job{a.JobId}-chunk{a.ChunkIndex}-attempt{a.Attempt}.mp4");
        var hashes = FrameHashFile(output);
        var video = a.VideoOptions.ToList();
        if (threads > 0) video.AddRange(["-threads", threads.ToString(CultureInfo.InvariantCulture)]);
        var spec = new ChunkEncodeSpec(SourceUrl(seed.BaseUri, a), $"Bearer {transferToken}", a.SeekSeconds, a.StreamIndex, a.TimeBaseDenominator, a.StartPts, a.EndPts,
            video, a.VideoFilter, output) { Tls = seed.FfmpegTls, FrameHashPath = hashes, TimeBaseNumerator = a.TimeBaseNumerator };
        var parser = new FfmpegProgressParser();
        var encoder = EncoderOptions.Parse(a.VideoOptions).VideoEncoder;
        var decodeErrors = new List<string>();
        var transportTrouble = false;
        var result = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath, ChunkEncodeArguments.Build(spec), ct,
            line => { if (parser.Feed(line) is { } p) onProgress(p); }, captureStdout: false,
            onStderrLine: line =>
            {
                if (DecodeErrors.IsDecodeError(line, encoder)) lock (decodeErrors) decodeErrors.Add(line.Trim());
                else if (DecodeErrors.IsTransportError(line)) transportTrouble = true;
            }).ConfigureAwait(false);
        string? decodeError;
        lock (decodeErrors) decodeError = decodeErrors.FirstOrDefault();
        if (!result.Succeeded && decodeError is null && DecodeErrors.IsDecodeError(result.LastErrorLine, encoder)) decodeError = result.LastErrorLine;
        if (!result.Succeeded || decodeError is not null)
        {
            // ffmpeg names the input first; the source's URL says nothing to a user.
            decodeError = decodeError?.Replace(spec.SourceUrl + ": ", "", StringComparison.Ordinal);
            Discard(output);
            var from = a.SeekSeconds is { } ss ? string.Create(CultureInfo.InvariantCulture, $"decoding from {ss:0.###}s") : "decoding from the start";
            // A concealed error leaves ffmpeg's exit code 0: its line is the reason, and the result is never uploaded.
            // A link that failed under ffmpeg can cut the source short: that is the node's (or the network's) failure, not the source's.
            if (decodeError is not null && !(transportTrouble && !result.Succeeded))
                throw new SourceDecodeException($"source decode error in chunk {a.ChunkIndex} ({from}): {decodeError}", result.StandardErrorTail);
            throw new MediaException($"ffmpeg failed on chunk {a.ChunkIndex}: {result.LastErrorLine}", result.StandardErrorTail);
        }
        return output;
    }

    /// <summary>
    /// The job's source on the seed; with the chunk's byte span, so the seed answers each of ffmpeg's open-ended range
    /// reads with only the bytes the chunk needs (ffmpeg reconnects from where an answer ends).
    /// </summary>
    public static string SourceUrl(Uri seed, AssignChunk a) =>
        new Uri(seed, a.SourceBytes is { } span ? $"{a.SourcePath}?{SourceByteQuery.Format(span)}" : a.SourcePath).ToString();

    /// <summary>The frame hashes (ffmpeg framehash, murmur3) of the source frames the encode of <paramref name="result"/> was fed, written next to it.</summary>
    public static string FrameHashFile(string result) => Path.ChangeExtension(result, ".framehash");

    /// <summary>Removes a result and its frame hashes (a failed attempt, or one the seed has).</summary>
    public static void Discard(string result)
    {
        if (File.Exists(result)) File.Delete(result);
        if (File.Exists(FrameHashFile(result))) File.Delete(FrameHashFile(result));
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
        if (a.ResultPath != $"/api/jobs/{a.JobId}/chunks/{a.ChunkIndex}/result")
            throw new MediaException($"the node refused the assignment: the result must go to the chunk's own address, not '{a.ResultPath}'");
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
