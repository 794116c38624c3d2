using Flock.Media.Processes;

namespace Flock.Media.Options;

/// <summary>
/// A user's ffmpeg output options, split into what nodes apply to each video chunk and what the seed applies once
/// to the whole audio (cutting audio into chunks would click at every boundary). Options that would break exactness
/// or reach outside the job are refused with a reason that names them.
/// </summary>
public sealed record EncoderOptions(IReadOnlyList<string> Video, IReadOnlyList<string> Audio, IReadOnlyList<string> Subtitle, string VideoEncoder, string? VideoFilter)
{
    // Stream specifiers are case-sensitive in meaning (V: video but not cover art) but both select the encoded stream.
    private static readonly System.Text.RegularExpressions.Regex VideoCodecKey = new(@"^-(?:(?:c|codec):[vV](?::0)?|vcodec)$");
    private static readonly System.Text.RegularExpressions.Regex VideoFilterKey = new(@"^-(?:vf|filter:[vV](?::0)?)$");
    private static readonly System.Text.RegularExpressions.Regex AnyFilterKey = new(@"^-(?:vf|af|filter(?::.*)?)$");
    private static readonly HashSet<string> AudioKeys = ["-acodec", "-ab", "-ar", "-ac", "-aq", "-af", "-sample_fmt", "-channel_layout"];

    /// <summary>Refused outright, each with the reason a user is told.</summary>
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["-i"] = "extra inputs are not allowed",
        ["-f"] = "the container is chosen from the output file's extension",
        ["-map"] = "Flock maps every stream itself",
        ["-y"] = "Flock decides about overwriting",
        ["-n"] = "Flock decides about overwriting",
        ["-ss"] = "Flock cuts the source itself",
        ["-t"] = "Flock cuts the source itself",
        ["-to"] = "Flock cuts the source itself",
        ["-frames:v"] = "Flock cuts the source itself",
        ["-vframes"] = "Flock cuts the source itself",
        ["-r"] = "changing the frame rate would change the frames; convert the source first",
        ["-fps_mode"] = "Flock keeps the source's timestamps (passthrough)",
        ["-vsync"] = "Flock keeps the source's timestamps (passthrough)",
        ["-filter_complex"] = "complex filter graphs are not allowed",
        ["-lavfi"] = "complex filter graphs are not allowed",
        ["-dump_attachment"] = "not allowed",
        ["-attach"] = "not allowed",
        ["-an"] = "every audio track is kept",
        ["-vn"] = "the video is what Flock encodes",
        ["-sn"] = "every subtitle track is kept",
        ["-pass"] = "two-pass encoding cannot be split into chunks",
        ["-passlogfile"] = "two-pass encoding cannot be split into chunks",
        ["-copyts"] = "Flock sets timestamps itself",
        ["-itsoffset"] = "not allowed",
    };

    /// <summary>Filters that open files or devices: never allowed in a user's video filter.</summary>
    private static readonly string[] FileReadingFilters = ["movie", "amovie", "subtitles", "ass", "lut3d", "haldclut", "sendcmd", "zmq", "azmq", "frei0r", "ladspa", "lv2"];

    public static EncoderOptions Parse(IReadOnlyList<string> options)
    {
        var video = new List<string>();
        var audio = new List<string>();
        var subtitle = new List<string>();
        string? encoder = null;
        string? filter = null;
        for (var i = 0; i < options.Count; i++)
        {
            var key = options[i];
            if (!key.StartsWith('-') || key.Length < 2)
                throw new MediaException($"unexpected ffmpeg option '{key}': options come as -name value pairs");
            if (Refused.TryGetValue(key, out var why) || Refused.TryGetValue(key.Split(':')[0], out why))
                throw new MediaException($"option {key} is not allowed: {why}");
            if (i + 1 >= options.Count) throw new MediaException($"option {key} needs a value");
            var value = options[++i];
            if (VideoCodecKey.IsMatch(key)) { encoder = value; video.Add("-c:v"); video.Add(value); }
            else if (VideoFilterKey.IsMatch(key)) filter = CheckFilter(value);
            else if (key == "-filter") throw new MediaException("option -filter is ambiguous: say -filter:v (or -vf) or -filter:a (or -af)");
            else if (AnyFilterKey.IsMatch(key) && !IsAudio(key)) throw new MediaException($"option {key} is not allowed: only video (-vf) and audio (-af) filters");
            else if (AnyFilterKey.IsMatch(key)) { CheckFilter(value); audio.Add(key); audio.Add(value); }
            else if (IsAudio(key)) { audio.Add(key); audio.Add(value); }
            else if (IsSubtitle(key)) { subtitle.Add(key); subtitle.Add(value); }
            else if (key is "-c" or "-codec") throw new MediaException($"option {key} is ambiguous: say -c:v or -c:a");
            else { video.Add(key); video.Add(value); }
        }
        if (encoder is null)
        {
            // Only the encoder's own options were given: keep them, with the default encoder in front.
            var defaults = DefaultVideo.ToList();
            if (video.Count == 0) video = defaults;
            else video.InsertRange(0, defaults.Take(2));
            encoder = "libx264";
        }
        if (encoder is "copy") throw new MediaException("option -c:v copy is not allowed: there is nothing to encode; use ffmpeg directly");
        return new EncoderOptions(video, audio, subtitle, encoder, filter);
    }

    public static IReadOnlyList<string> DefaultVideo { get; } = ["-c:v", "libx264", "-preset", "medium", "-crf", "23"];

    private static bool IsAudio(string key) =>
        AudioKeys.Contains(key) || key.EndsWith(":a", StringComparison.Ordinal) || key.Contains(":a:", StringComparison.Ordinal);

    private static bool IsSubtitle(string key) =>
        key is "-scodec" || key.EndsWith(":s", StringComparison.Ordinal) || key.Contains(":s:", StringComparison.Ordinal);

    private static string CheckFilter(string graph)
    {
        foreach (var part in graph.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = part.Split('=', 2)[0].Trim().TrimStart('[');
            var close = name.LastIndexOf(']');
            if (close >= 0) name = name[(close + 1)..];
            name = name.Split('@', 2)[0].Trim(); // "movie@x" is the movie filter under an instance name
            if (FileReadingFilters.Contains(name)) throw new MediaException($"filter '{name}' is not allowed: it reads files");
            if (name is "select" or "aselect" or "trim" or "setpts" or "fps" or "framerate" or "minterpolate" or "tpad" or "loop" or "reverse" or "framestep" or "decimate" or "mpdecimate" or "tinterlace" or "telecine")
                throw new MediaException($"filter '{name}' is not allowed: it changes which frames exist or their timestamps");
        }
        return graph;
    }
}
