using System.Globalization;
using System.Text.RegularExpressions;

namespace Flock.Media.Probing;

/// <summary>A fraction as ffprobe prints side data values ("34000/50000"): kept exact, converted once to each encoder's units.</summary>
public readonly record struct Ratio(long Numerator, long Denominator)
{
    public static Ratio? Parse(string? text)
    {
        if (text is null) return null;
        var parts = text.Split('/');
        if (!long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return null;
        var d = 1L;
        if (parts.Length == 2 && !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out d)) return null;
        return parts.Length > 2 || d <= 0 ? null : new Ratio(n, d);
    }

    public double Value => (double)Numerator / Denominator;

    /// <summary>This value counted in steps of 1/<paramref name="units"/>, rounded (x265 counts chromaticity in 1/50000, luminance in 1/10000 cd/m²).</summary>
    public long In(long units) => (long)Math.Round((decimal)Numerator * units / Denominator, MidpointRounding.AwayFromZero);
}

/// <summary>SMPTE ST 2086 mastering display colour volume: the display the source was graded on.</summary>
public sealed record MasteringDisplay(Ratio RedX, Ratio RedY, Ratio GreenX, Ratio GreenY, Ratio BlueX, Ratio BlueY, Ratio WhiteX, Ratio WhiteY, Ratio MinLuminance, Ratio MaxLuminance)
{
    /// <summary>x265's master-display: G(x,y)B(x,y)R(x,y)WP(x,y)L(max,min), chromaticity in 1/50000, luminance in 1/10000 cd/m².</summary>
    public string ToX265() => string.Create(CultureInfo.InvariantCulture,
        $"G({GreenX.In(50000)},{GreenY.In(50000)})B({BlueX.In(50000)},{BlueY.In(50000)})R({RedX.In(50000)},{RedY.In(50000)})WP({WhiteX.In(50000)},{WhiteY.In(50000)})L({MaxLuminance.In(10000)},{MinLuminance.In(10000)})");

    /// <summary>SVT-AV1's mastering-display: the same order as x265's, in plain numbers (chromaticity 0..1, luminance in cd/m²).</summary>
    public string ToSvtAv1()
    {
        static string F(Ratio r) => r.Value.ToString("0.######", CultureInfo.InvariantCulture);
        return $"G({F(GreenX)},{F(GreenY)})B({F(BlueX)},{F(BlueY)})R({F(RedX)},{F(RedY)})WP({F(WhiteX)},{F(WhiteY)})L({F(MaxLuminance)},{F(MinLuminance)})";
    }
}

/// <summary>CTA-861.3 content light level: MaxCLL and MaxFALL in cd/m².</summary>
public sealed record ContentLight(int MaxCll, int MaxFall)
{
    /// <summary>`MaxCLL,MaxFALL`, as both x265's max-cll and SVT-AV1's content-light take it.</summary>
    public string ToEncoderParam() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{MaxCll},{MaxFall}");
}

/// <summary>
/// What makes a source HDR, as ffprobe reports it: its colour tags (stream), its static metadata (stream side data
/// from the container, or the first frame's side data from the bitstream's SEI/OBUs) and whether it has Dolby Vision.
/// </summary>
public sealed record HdrInfo(
    string? ColorPrimaries,
    string? ColorTransfer,
    string? ColorSpace,
    string? ColorRange,
    string? PixelFormat,
    MasteringDisplay? Mastering,
    ContentLight? ContentLight,
    bool DolbyVision)
{
    public static HdrInfo None { get; } = new(null, null, null, null, null, null, null, false);

    public bool IsPq => ColorTransfer == "smpte2084";

    public bool IsHlg => ColorTransfer == "arib-std-b67";

    public bool HasStaticMetadata => Mastering is not null || ContentLight is not null;

    /// <summary>
    /// The mastering display is in the container (MKV MasteringMetadata, MP4 mdcv), not only the bitstream: ffmpeg 5.1
    /// copies a source stream's side data to the encoded stream, so only then can an output's container have it.
    /// </summary>
    public bool MasteringInContainer { get; init; }

    /// <summary>MaxCLL/MaxFALL are in the container (MKV MaxCLL/MaxFALL, MP4 clli); see <see cref="MasteringInContainer"/>.</summary>
    public bool ContentLightInContainer { get; init; }

    /// <summary>PQ or HLG, or HDR10 metadata without a transfer tag (a mislabelled file is still graded for HDR).</summary>
    public bool IsHdr => IsPq || IsHlg || HasStaticMetadata || DolbyVision;

    public int BitDepth => BitDepthOf(PixelFormat) ?? 8;

    private static readonly Regex Depth = new(@"p(\d{1,2})(?:le|be)?$");

    /// <summary>Bits per component of an ffmpeg pixel format name (yuv420p10le: 10, yuv420p: 8); null when not a planar YUV/RGB name.</summary>
    public static int? BitDepthOf(string? pixelFormat)
    {
        if (string.IsNullOrEmpty(pixelFormat)) return null;
        if (pixelFormat.StartsWith("p010", StringComparison.Ordinal)) return 10;
        var m = Depth.Match(pixelFormat);
        if (m.Success) return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return pixelFormat.EndsWith('p') || pixelFormat is "nv12" or "nv21" or "yuyv422" or "uyvy422" or "rgb24" or "bgr24" or "gray" ? 8 : null;
    }

    /// <summary>Tags that mean "not said": ffprobe prints them, but they are nothing to carry.</summary>
    public static string? Tag(string? value) => value is null or "unknown" or "unspecified" or "reserved" ? null : value;
}
