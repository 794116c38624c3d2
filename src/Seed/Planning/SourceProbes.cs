using Flock.Media.Probing;
using Microsoft.Extensions.Caching.Memory;

namespace Flock.Seed.Planning;

/// <summary>
/// A source's probe, reused for a minute while the file is unchanged (same size and modification time): a submit's
/// validation, the head plan and the whole plan each need it within a second or so, and every ffprobe start lies on
/// the way from a submit to the first chunk (0.07–0.10 s each for the bench's 1 GB MP4).
/// </summary>
public static class SourceProbes
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private static readonly MemoryCache Cache = new(new MemoryCacheOptions { SizeLimit = 256 });

    public static async Task<MediaInfo> ProbeAsync(string path, CancellationToken ct)
    {
        var file = Followed(path);
        // A missing file is MediaProbe's to refuse, with its own message.
        if (!file.Exists) return await MediaProbe.ProbeAsync(path, ct).ConfigureAwait(false);
        var key = (file.FullName, file.Length, file.LastWriteTimeUtc);
        if (Cache.TryGetValue(key, out MediaInfo? known) && known is not null) return known;
        var info = await MediaProbe.ProbeAsync(path, ct).ConfigureAwait(false);
        Cache.Set(key, info, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        return info;
    }

    /// <summary>The source's HDR description (<see cref="HdrProbe"/>), reused like the probe: a strict submit, the head plan and the whole plan each need it.</summary>
    public static async Task<HdrInfo> ProbeHdrAsync(string path, int streamIndex, CancellationToken ct)
    {
        var file = Followed(path);
        var key = ("hdr", file.FullName, file.Length, file.LastWriteTimeUtc, streamIndex);
        if (Cache.TryGetValue(key, out HdrInfo? known) && known is not null) return known;
        var hdr = await HdrProbe.ProbeAsync(path, streamIndex, ct).ConfigureAwait(false);
        Cache.Set(key, hdr, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        return hdr;
    }

    /// <summary>The file itself when <paramref name="path"/> is a symbolic link: its size and time, not the link's, say whether it changed.</summary>
    private static FileInfo Followed(string path)
    {
        var file = new FileInfo(path);
        return file.LinkTarget is not null && file.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target ? target : file;
    }
}
