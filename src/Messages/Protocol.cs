namespace Flock.Messages;

/// <summary>Wire-level constants shared by seed, nodes and pbm.</summary>
public static class Protocol
{
    /// <summary>Bumped whenever a control message changes shape; a node with another version is refused on join.</summary>
    public const int Version = 1;

    public const int DefaultPort = 4053;

    /// <summary>Header carrying the SHA-256 (hex) of an uploaded chunk result.</summary>
    public const string Sha256Header = "X-Flock-Sha256";

    /// <summary>Header carrying the JSON array of ffmpeg output options on an upload submit.</summary>
    public const string OptionsHeader = "X-Flock-Options";

    public static readonly string[] DefaultVideoOptions = ["-c:v", "libx264", "-preset", "medium", "-crf", "23"];
}
