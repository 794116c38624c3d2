using Flock.Media.Probing;
using Flock.Media.Processes;

namespace Flock.Media.Assembly;

/// <summary>A source's cover picture copied out into a file of its own, for the join.</summary>
public sealed record CoverFile(StreamInfo Stream, string Path);

/// <summary>
/// Cover pictures (MP4's `covr`, Matroska's image attachments), which ffmpeg shows as one-frame video streams marked
/// as attached pictures. The join keeps them byte for byte: in MP4 as cover pictures (JPEG, PNG and BMP are all it
/// holds), in Matroska as attachments (mapped as streams they would become one-frame video tracks). WebM holds none.
/// Each is first copied out of the source into a file of its own: the join then never reads a Matroska source once more
/// for it, and Matroska's attachments can only be written from files.
/// </summary>
public static class CoverPictures
{
    public static IReadOnlyList<StreamInfo> Of(MediaInfo source) => source.Streams.Where(s => s.IsAttachedPicture).ToList();

    /// <summary>The cover pictures an output at <paramref name="outputPath"/> keeps (its extension says its container).</summary>
    public static IReadOnlyList<StreamInfo> KeptIn(MediaInfo source, string outputPath) => Of(source).Where(s => Fits(s, outputPath)).ToList();

    /// <summary>One line per cover picture the output cannot keep, for the job's warnings.</summary>
    public static IReadOnlyList<string> Losses(MediaInfo source, string outputPath) =>
        Of(source).Where(s => !Fits(s, outputPath))
            .Select(s => $"the source's cover picture (stream {s.Index}, {s.CodecName}) cannot be kept in {OutputContainers.NameOf(outputPath)}: the output leaves it out")
            .ToList();

    /// <summary>Copies each of <paramref name="covers"/> out of the source, as the very bytes it holds, into <paramref name="workDirectory"/>.</summary>
    public static async Task<IReadOnlyList<CoverFile>> ExtractAsync(string sourcePath, IReadOnlyList<StreamInfo> covers, string workDirectory, CancellationToken ct)
    {
        if (covers.Count == 0) return [];
        Directory.CreateDirectory(workDirectory);
        var files = new List<CoverFile>();
        foreach (var cover in covers)
        {
            var path = System.IO.Path.Combine(workDirectory, $"cover-{cover.Index}.{Extension(cover)}");
            await Ffmpeg.RunCheckedAsync(
                ["-nostdin", "-hide_banner", "-v", "error", "-y", .. MediaProbe.LocalInputGuard, "-i", sourcePath,
                 "-map", $"0:{cover.Index}", "-c", "copy", "-frames:v", "1", "-f", "image2", "-update", "1", path], ct).ConfigureAwait(false);
            if (!File.Exists(path) || new FileInfo(path).Length == 0) throw new MediaException($"the source's cover picture (stream {cover.Index}) could not be copied out");
            files.Add(new CoverFile(cover, path));
        }
        return files;
    }

    /// <summary>
    /// What a Matroska attachment of this picture is called: its own name when the source gave one, else `cover.jpg` (or
    /// .png...) for the source's first cover picture, the name Matroska players look for, and `cover-N` for the others.
    /// </summary>
    public static string FileNameOf(StreamInfo cover, bool first) =>
        cover.FileName is { Length: > 0 } name ? name : first ? $"cover.{Extension(cover)}" : $"cover-{cover.Index}.{Extension(cover)}";

    public static string MimeTypeOf(StreamInfo cover) => Images[cover.CodecName].MimeType;

    /// <summary>The picture codecs a Matroska attachment can carry, with their file extension and MIME type.</summary>
    private static readonly Dictionary<string, (string Extension, string MimeType)> Images = new(StringComparer.Ordinal)
    {
        ["mjpeg"] = ("jpg", "image/jpeg"),
        ["png"] = ("png", "image/png"),
        ["bmp"] = ("bmp", "image/bmp"),
        ["gif"] = ("gif", "image/gif"),
        ["webp"] = ("webp", "image/webp"),
        ["tiff"] = ("tif", "image/tiff"),
    };

    // ffmpeg's QuickTime muxer (.mov) writes no cover picture, its MP4 muxer (.mp4, .m4v) does: JPEG, PNG and BMP.
    private static bool Fits(StreamInfo cover, string outputPath) => OutputContainers.FromPath(outputPath) switch
    {
        OutputContainer.Mp4 => !OutputContainers.IsQuickTime(outputPath) && cover.CodecName is "mjpeg" or "png" or "bmp",
        OutputContainer.Matroska => Images.ContainsKey(cover.CodecName),
        _ => false,
    };

    private static string Extension(StreamInfo cover) => Images[cover.CodecName].Extension;
}
