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
        ["-passlogfile"] = "Flock keeps each chunk's first-pass statistics itself (give -pass 2)",
        ["-copyts"] = "Flock sets timestamps itself",
        ["-itsoffset"] = "not allowed",
    };

    /// <summary>Stream specifiers an allowed option may carry: a type, optionally an index.</summary>
    private static readonly System.Text.RegularExpressions.Regex StreamSpecifier = new(@"^[vVas](?::\d{1,2})?$");

    /// <summary>
    /// The allowlist: every option a user may pass, by name (the part before any ':'). Anything else is refused, so
    /// an option added to ffmpeg tomorrow that reads or writes files is not silently let through.
    /// </summary>
    private static readonly HashSet<string> VideoNames = new(StringComparer.Ordinal)
    {
        "c", "codec", "vcodec", "vf", "filter", "preset", "crf", "qp", "b", "maxrate", "minrate", "bufsize", "g", "keyint_min", "bf", "refs",
        "profile", "level", "tune", "pix_fmt", "x264-params", "x264opts", "x265-params", "svtav1-params", "cpu-used", "deadline", "row-mt",
        "tile-columns", "tile-rows", "tiles", "quality", "speed", "qmin", "qmax", "q", "qscale", "aq-mode", "aq-strength", "sc_threshold", "rc",
        "rc-lookahead", "cq", "tier", "aspect", "color_primaries", "color_trc", "colorspace", "color_range", "threads", "lag-in-frames",
        "forced-idr", "flags", "subq", "trellis", "me_method", "me_range", "partitions", "weightp", "psy", "psy-rd", "coder", "slices",
        "crf_max", "mbtree", "deblock", "b_strategy", "enable-tpl-la", "auto-alt-ref", "arnr-maxframes",
        "arnr-strength", "static-thresh", "undershoot-pct", "overshoot-pct", "lossless", "vprofile", "pass", "usage",
    };

    private static readonly HashSet<string> AudioNames = new(StringComparer.Ordinal)
    {
        "c", "codec", "acodec", "b", "ab", "ar", "ac", "aq", "q", "af", "filter", "sample_fmt", "channel_layout", "profile",
    };

    private static readonly HashSet<string> SubtitleNames = new(StringComparer.Ordinal) { "c", "codec", "scodec" };

    /// <summary>Encoder parameters (inside -x264-params and friends) that name files to read or write.</summary>
    private static readonly HashSet<string> FileParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "qpfile", "stats", "dump-yuv", "tcfile-in", "tcfile-out", "csv", "analysis-save", "analysis-load", "analysis-reuse-file", "zonefile",
        "dolby-vision-rpu", "scaling-list", "lambda-file", "dhdr10-info", "fgs-table", "cqmfile", "input", "output", "recon", "pass", "passlogfile",
    };

    /// <summary>Video filters a user may chain: none of them opens a file, a device or a network address.</summary>
    private static readonly HashSet<string> VideoFilters = new(StringComparer.Ordinal)
    {
        "scale", "crop", "pad", "hflip", "vflip", "transpose", "rotate", "format", "setsar", "setdar", "yadif", "bwdif", "unsharp", "hqdn3d",
        "nlmeans", "eq", "colorspace", "colormatrix", "zscale", "tonemap", "lut", "lutyuv", "lutrgb", "hue", "deband", "gradfun", "boxblur",
        "gblur", "smartblur", "noise", "deblock", "drawbox", "vignette", "cas", "null", "copy", "setfield", "setparams", "fieldorder",
        "removegrain", "atadenoise", "chromashift", "colorbalance", "colorlevels", "vibrance", "negate", "grayworld",
    };

    private static readonly HashSet<string> AudioFilters = new(StringComparer.Ordinal)
    {
        "volume", "loudnorm", "aresample", "aformat", "pan", "highpass", "lowpass", "equalizer", "bass", "treble", "acompressor", "dynaudnorm",
        "alimiter", "afade", "anull", "channelmap", "aecho", "extrastereo", "stereotools",
    };

    /// <summary>Filters that change which frames exist or their timestamps: they break exact chunking.</summary>
    private static readonly HashSet<string> TimingFilters = new(StringComparer.Ordinal)
    {
        "select", "aselect", "trim", "setpts", "fps", "framerate", "minterpolate", "tpad", "loop", "reverse", "framestep", "decimate",
        "mpdecimate", "tinterlace", "telecine", "atempo", "atrim", "asetpts", "areverse", "apad",
    };

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
            CheckAllowed(key);
            if (i + 1 >= options.Count) throw new MediaException($"option {key} needs a value");
            var value = options[++i];
            CheckValue(key, value);
            if (key is "-pass" or "-pass:v" && value != "2")
                throw new MediaException($"option {key} {value} is not allowed: give -pass 2 with a bitrate target (-b:v) and Flock runs the first pass on each chunk's node");
            if (VideoCodecKey.IsMatch(key)) { encoder = value; video.Add("-c:v"); video.Add(value); }
            else if (VideoFilterKey.IsMatch(key)) { filter = CheckFilter(value, VideoFilters); NeighbourFilters.CheckFrameRateKept(filter); }
            else if (key == "-filter") throw new MediaException("option -filter is ambiguous: say -filter:v (or -vf) or -filter:a (or -af)");
            else if (AnyFilterKey.IsMatch(key) && !IsAudio(key)) throw new MediaException($"option {key} is not allowed: only video (-vf) and audio (-af) filters");
            else if (AnyFilterKey.IsMatch(key)) { CheckFilter(value, AudioFilters); audio.Add(key); audio.Add(value); }
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
        if (TwoPass.IsRequested(video))
        {
            if (!TwoPass.Encoders.Contains(encoder))
                throw new MediaException($"option -pass 2 is not allowed with {encoder}: its two-pass statistics are kept by parameters that name files ({string.Join(", ", TwoPass.Encoders)} can)");
            if (VideoBitrate.TargetOf(video) is null) throw new MediaException("option -pass 2 needs a bitrate target (-b:v) and no quality target (-crf, -qp)");
        }
        return new EncoderOptions(video, audio, subtitle, encoder, filter);
    }

    public static IReadOnlyList<string> DefaultVideo { get; } = ["-c:v", "libx264", "-preset", "medium", "-crf", "23"];

    private static bool IsAudio(string key) =>
        AudioKeys.Contains(key) || key.EndsWith(":a", StringComparison.Ordinal) || key.Contains(":a:", StringComparison.Ordinal);

    private static bool IsSubtitle(string key) =>
        key is "-scodec" || key.EndsWith(":s", StringComparison.Ordinal) || key.Contains(":s:", StringComparison.Ordinal);

    /// <summary>
    /// What a node checks before it runs ffmpeg, whatever the seed sent: the video options and filter pass the same
    /// allowlist as at submit, so a compromised or buggy seed cannot make a node read or write files.
    /// </summary>
    public static void CheckVideoAssignment(IReadOnlyList<string> videoOptions, string? videoFilter)
    {
        var parsed = Parse(videoOptions);
        if (parsed.Audio.Count > 0 || parsed.Subtitle.Count > 0 || parsed.VideoFilter is not null)
            throw new MediaException("the assignment carries options that are not video encoder options");
        if (videoFilter is not null) CheckFilter(videoFilter, VideoFilters);
    }

    private static void CheckAllowed(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? key[1..] : key[1..colon];
        var spec = colon < 0 ? null : key[(colon + 1)..];
        if (spec is not null && !StreamSpecifier.IsMatch(spec))
            throw new MediaException($"option {key} is not allowed: stream specifier '{spec}' (only v, a or s, with an optional index)");
        var allowed = spec?[0] switch
        {
            null => VideoNames.Contains(name) || AudioNames.Contains(name) || SubtitleNames.Contains(name),
            'v' or 'V' => VideoNames.Contains(name),
            'a' => AudioNames.Contains(name),
            _ => SubtitleNames.Contains(name),
        };
        if (!allowed) throw new MediaException($"option {key} is not allowed: it is not on Flock's list of encoder options (docs/SECURITY.md)");
    }

    private static void CheckValue(string key, string value)
    {
        if (value.Length > 1 && value[0] == '-' && char.IsAsciiLetter(value[1]))
            throw new MediaException($"option {key} needs a value, not another option ({value})");
        if (value.Length > 4096) throw new MediaException($"option {key} is not allowed: its value is longer than 4096 characters");
        if (value.Any(char.IsControl)) throw new MediaException($"option {key} is not allowed: its value has control characters");
        if (!key.EndsWith("-params", StringComparison.Ordinal) && key != "-x264opts") return;
        foreach (var pair in value.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = pair.Split('=', 2)[0].Trim();
            if (FileParameters.Contains(name)) throw new MediaException($"option {key} is not allowed: parameter '{name}' names a file");
        }
    }

    private static string CheckFilter(string graph, HashSet<string> allowed)
    {
        if (graph.Length > 4096 || graph.Any(char.IsControl)) throw new MediaException("the filter graph is too long or has control characters");
        foreach (var part in graph.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = part.Split('=', 2)[0].Trim().TrimStart('[');
            var close = name.LastIndexOf(']');
            if (close >= 0) name = name[(close + 1)..];
            name = name.Split('@', 2)[0].Trim(); // "movie@x" is the movie filter under an instance name
            if (TimingFilters.Contains(name))
                throw new MediaException($"filter '{name}' is not allowed: it changes which frames exist or their timestamps");
            // Whatever does not read as a plain allowed name (quotes, escapes, sws_flags=..., movie, lut3d) is refused.
            if (!allowed.Contains(name))
                throw new MediaException($"filter '{name}' is not allowed: it is not on Flock's list of filters (no filter may read files or devices; docs/SECURITY.md)");
        }
        return graph;
    }
}
