using System.Globalization;
using Flock.Media.Assembly;
using Flock.Media.Planning;
using Flock.Media.Probing;
using Flock.Media.Processes;

namespace Flock.Media.Live;

/// <summary>
/// Where the live segments take their audio from: stream <paramref name="StreamIndex"/> of <paramref name="File"/>, on
/// the source's timeline (copied packets, or packets encoded once for the whole track). Each chunk's segments carry the
/// packets that start within the chunk's span, so every packet lands in exactly one chunk and none is cut or repeated.
/// </summary>
public sealed record LiveAudio(string File, int StreamIndex)
{
    /// <summary>How far before a chunk's start the audio input is opened: seeking lands on a packet at or before the time asked, never after it.</summary>
    private const double SeekMarginSeconds = 3;

    /// <summary>
    /// The live audio of a job: the source's first audio track, as the output gets it. Copied straight from an MP4
    /// source; from any other source copied once into an MP4 file first, so the packets get the timestamps the output
    /// gives them (ffmpeg smooths a Matroska track's millisecond timestamps into whole frames along the track from its
    /// first packet, which a chunk's run, starting mid-track, would not) and the time base the segmenter's packet
    /// filter counts in. Encoded once (the assembler's codec choice and the user's audio options) when the output
    /// re-encodes it, since encoding chunk by chunk would click and drift at every boundary.
    /// </summary>
    public static async Task<LiveAudio?> PrepareAsync(string sourcePath, MediaInfo source, IReadOnlyList<string> audioOptions, string outputPath, string workDirectory,
        CancellationToken ct)
    {
        if (source.Streams.FirstOrDefault(s => s.CodecType == "audio") is not { } audio) return null;
        var encode = AudioEncodeOptions(source, audioOptions, OutputContainers.FromPath(outputPath));
        if (encode.Count == 0 && source.FormatName.Split(',').Contains("mp4")) return new LiveAudio(sourcePath, audio.Index);
        Directory.CreateDirectory(workDirectory);
        var file = Path.Combine(workDirectory, "audio.mp4");
        var partial = Path.Combine(workDirectory, "audio.partial.mp4");
        // -copyts keeps the source's timeline, which the segmenter expects of the copied case too.
        await Ffmpeg.RunCheckedAsync(
            ["-nostdin", "-hide_banner", "-v", "error", "-y", "-copyts", "-i", sourcePath, "-map", $"0:{audio.Index}", "-c", "copy", .. encode, "-f", "mp4", partial], ct)
            .ConfigureAwait(false);
        System.IO.File.Move(partial, file, overwrite: true);
        return new LiveAudio(file, 0);
    }

    /// <summary>What the assembler adds for audio beyond `-c copy` (empty: the audio is copied as it is).</summary>
    public static IReadOnlyList<string> AudioEncodeOptions(MediaInfo source, IReadOnlyList<string> audioOptions, OutputContainer container)
    {
        var options = new List<string>();
        if (container == OutputContainer.WebM && !audioOptions.Any(o => o is "-c:a" or "-codec:a" or "-acodec")
            && source.Streams.Any(s => s.CodecType == "audio" && s.CodecName is not ("opus" or "vorbis")))
            options.AddRange(["-c:a", "libopus"]);
        options.AddRange(audioOptions);
        return options;
    }

    /// <summary>
    /// Brings this audio into a chunk's segmenting run as input 1 (<see cref="Inputs"/> go with the inputs, the rest
    /// with the output options): only the packets starting in [chunk start, next chunk's start), the first chunk taking
    /// all before it and the last all after it.
    /// </summary>
    public (IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs) Arguments(ChunkPlan plan, int chunkIndex)
    {
        var chunk = plan.Chunks[chunkIndex];
        double? from = chunkIndex == 0 ? null : plan.TimeBase.ToSeconds(chunk.StartPts);
        double? to = chunk.EndPts is { } end ? plan.TimeBase.ToSeconds(end) : null;
        var inputs = new List<string>();
        if (from is { } f && f - plan.FormatStartSeconds > SeekMarginSeconds)
            inputs.AddRange(["-ss", Seconds(f - plan.FormatStartSeconds - SeekMarginSeconds)]);
        inputs.AddRange(["-protocol_whitelist", "file", "-i", File]);
        var drop = new List<string>();
        // The same text for a boundary on both sides of it: a packet is below it for one chunk exactly when not for the next.
        if (from is { } a) drop.Add($"lt(pts*tb\\,{Seconds(a)})");
        if (to is { } b) drop.Add($"gte(pts*tb\\,{Seconds(b)})");
        var outputs = new List<string> { "-map", $"1:{StreamIndex}" };
        if (drop.Count > 0) outputs.AddRange(["-bsf:a", "noise=drop=" + string.Join('+', drop)]);
        return (inputs, outputs);
    }

    private static string Seconds(double s) => s.ToString("0.000000000", CultureInfo.InvariantCulture);
}
