using System.Globalization;
using System.Text.RegularExpressions;
using Flock.Media.Options;
using Flock.Media.Probing;

namespace Flock.Media.Encoding;

/// <summary>
/// Carries a source's HDR through the encode: ffmpeg 5.1 keeps colour tags but its libx265 and libsvtav1 wrappers
/// drop mastering-display and content-light-level side data, so they are passed as the encoder's own parameters
/// (written into the bitstream of every chunk, so the stream-copied join keeps them) and the colour tags are said
/// explicitly. What the user set is never overridden; what cannot be carried is named in <see cref="Losses"/>.
/// </summary>
public static class HdrCarry
{
    /// <summary>Filters that convert colour: a user tone-mapping or converting to SDR is not given the source's HDR labels.</summary>
    private static readonly string[] ColourFilters = ["zscale", "tonemap", "colorspace", "colormatrix", "setparams"];

    /// <summary>Encoders that only write 8 bits per component, whatever the source.</summary>
    private static readonly HashSet<string> EightBitEncoders = new(StringComparer.Ordinal)
    {
        "libvpx", "mpeg4", "mpeg2video", "mpeg1video", "libxvid", "mjpeg", "libtheora", "libopenh264", "h264_v4l2m2m", "h263", "libwebp",
    };

    private static readonly Regex PixelFormatKey = new(@"^-pix_fmt(?::[vV](?::0)?)?$");

    /// <summary>The user's options with the source's HDR added where the encoder can carry it; the same options when there is nothing to add.</summary>
    public static EncoderOptions Apply(EncoderOptions options, HdrInfo hdr)
    {
        if (!hdr.IsHdr || ConvertsColour(options)) return options;
        var video = options.Video.ToList();
        AddTag(video, "-color_primaries", hdr.ColorPrimaries);
        AddTag(video, "-color_trc", hdr.ColorTransfer);
        AddTag(video, "-colorspace", hdr.ColorSpace);
        AddTag(video, "-color_range", hdr.ColorRange);
        if (hdr.HasStaticMetadata)
        {
            switch (options.VideoEncoder)
            {
                case "libx265":
                    MergeParams(video, "-x265-params",
                    [
                        ("master-display", hdr.Mastering?.ToX265()),
                        ("max-cll", hdr.ContentLight?.ToEncoderParam()),
                        ("hdr10", "1"),
                    ]);
                    break;
                case "libsvtav1":
                    MergeParams(video, "-svtav1-params",
                    [
                        ("mastering-display", hdr.Mastering?.ToSvtAv1()),
                        ("content-light", hdr.ContentLight?.ToEncoderParam()),
                        ("enable-hdr", "1"),
                    ]);
                    break;
            }
        }
        return options with { Video = video };
    }

    /// <summary>What of the source's HDR the output will not have, one sentence each; empty when all of it is carried.</summary>
    public static IReadOnlyList<string> Losses(EncoderOptions options, HdrInfo hdr)
    {
        if (!hdr.IsHdr || ConvertsColour(options)) return [];
        var losses = new List<string>();
        var encoder = options.VideoEncoder;
        var outputDepth = OutputBitDepth(options, hdr);
        var kind = hdr.IsPq ? "PQ (smpte2084)" : hdr.IsHlg ? "HLG (arib-std-b67)" : "HDR";
        if ((hdr.IsPq || hdr.IsHlg) && outputDepth < 10 && hdr.BitDepth >= 10)
            losses.Add(string.Create(CultureInfo.InvariantCulture,
                $"the source is {hdr.BitDepth}-bit {kind} but {encoder} will write {outputDepth}-bit video: HDR in 8 bits bands visibly; use a 10-bit encoder and -pix_fmt yuv420p10le"));
        if (hdr.HasStaticMetadata && encoder is not ("libx265" or "libsvtav1"))
        {
            // ffmpeg copies what is in the source's container to the output's whatever the encoder; the rest is gone.
            if (StaticMetadata(hdr, inContainer: false) is { Length: > 0 } lost)
                losses.Add($"the source's HDR10 {lost} metadata will be lost: {encoder} cannot write it (libx265 and libsvtav1 can)");
            if (StaticMetadata(hdr, inContainer: true) is { Length: > 0 } kept)
                losses.Add($"the source's HDR10 {kept} metadata will be in the output's container only, not its bitstream: {encoder} cannot write it (libx265 and libsvtav1 can)");
        }
        if (hdr.DolbyVision)
            losses.Add("the source's Dolby Vision metadata (RPU) will be lost: Flock re-encodes the picture only, so the output plays as its base layer ("
                + (hdr.HasStaticMetadata || hdr.IsPq ? "HDR10" : hdr.IsHlg ? "HLG" : "SDR") + ")");
        return losses;
    }

    /// <summary>
    /// Where the output's container will not say what its bitstream says, one sentence each; not losses, so
    /// <c>flock.seed.hdr = strict</c> does not refuse them. ffmpeg 5.1 writes MKV's MasteringMetadata/MaxCLL and MP4's
    /// mdcv/clli only from the source stream's side data (its container), never from the frames' SEI/OBUs, and copies
    /// that side data whatever the filter: on one machine as on Flock.
    /// </summary>
    public static IReadOnlyList<string> ContainerNotes(EncoderOptions options, HdrInfo hdr)
    {
        if (!hdr.IsHdr) return [];
        if (ConvertsColour(options))
            return StaticMetadata(hdr, inContainer: true) is { Length: > 0 } copied
                ? [$"the video filter converts colour, but the source's HDR10 {copied} metadata is in its container and ffmpeg 5.1 copies it to the output's container all the same: a player may take the output for HDR10"]
                : [];
        if (options.VideoEncoder is not ("libx265" or "libsvtav1")) return [];
        return StaticMetadata(hdr, inContainer: false) is { Length: > 0 } what
            ? [$"the source's HDR10 {what} metadata is in its bitstream only: the output has it in its bitstream but not in its container (MKV Colour, MP4 mdcv/clli), which ffmpeg 5.1 writes only from a source's container"]
            : [];
    }

    /// <summary>The static metadata the source has in (or only outside) its container, named for a sentence; empty when none.</summary>
    private static string StaticMetadata(HdrInfo hdr, bool inContainer) => string.Join(" and ", new[]
    {
        hdr.Mastering is not null && hdr.MasteringInContainer == inContainer ? "mastering display" : null,
        hdr.ContentLight is not null && hdr.ContentLightInContainer == inContainer ? "content light level (MaxCLL/MaxFALL)" : null,
    }.OfType<string>());

    /// <summary>The bits per component of the encoded video: the user's -pix_fmt, else the encoder's limit, else the source's.</summary>
    public static int OutputBitDepth(EncoderOptions options, HdrInfo hdr)
    {
        for (var i = 0; i + 1 < options.Video.Count; i += 2)
            if (PixelFormatKey.IsMatch(options.Video[i]) && HdrInfo.BitDepthOf(options.Video[i + 1]) is { } d) return d;
        if (options.VideoFilter is { } f && Regex.Match(f, @"(?:^|[,;])\s*format=(?:pix_fmts=)?([a-z0-9_]+)") is { Success: true } m && HdrInfo.BitDepthOf(m.Groups[1].Value) is { } fd)
            return fd;
        return EightBitEncoders.Contains(options.VideoEncoder) ? 8 : hdr.BitDepth;
    }

    private static bool ConvertsColour(EncoderOptions options) =>
        options.VideoFilter is { } f && f.Split([',', ';']).Select(p => p.Split('=', 2)[0].Trim().TrimStart('[')).Any(n =>
        {
            var close = n.LastIndexOf(']');
            var name = (close >= 0 ? n[(close + 1)..] : n).Split('@', 2)[0].Trim();
            return ColourFilters.Contains(name);
        });

    private static void AddTag(List<string> video, string key, string? value)
    {
        if (value is null || EncoderParams.IndexOf(video, key) >= 0) return;
        video.AddRange([key, value]);
    }

    /// <summary>Adds parameters the user's own -x265-params (or -svtav1-params) does not set; theirs win.</summary>
    private static void MergeParams(List<string> video, string key, IReadOnlyList<(string Name, string? Value)> wanted)
    {
        var names = EncoderParams.Names(video, key);
        // x265 calls it hdr10 now and hdr before: either means the user decided.
        if (names.Contains("hdr")) names.Add("hdr10");
        var added = wanted.Where(p => p.Value is not null && !names.Contains(p.Name)).Select(p => $"{p.Name}={p.Value}").ToList();
        if (added.Count == 0 || added.All(a => a.StartsWith("hdr10=", StringComparison.Ordinal) || a.StartsWith("enable-hdr=", StringComparison.Ordinal))) return;
        EncoderParams.Append(video, key, added);
    }
}
