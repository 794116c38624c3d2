namespace Flock.Messages;

/// <summary>Wire-level constants shared by seed, nodes and pbm.</summary>
public static class Protocol
{
    /// <summary>Bumped whenever a control message changes shape; a node with another version is refused on join.</summary>
    public const int Version = 5;

    public const int DefaultPort = 9110;

    /// <summary>The seed's actor (under /user) where a node's control link opens its session.</summary>
    public const string NodeGatewayName = "node-gateway";

    /// <summary>Header carrying the JSON array of ffmpeg output options on an upload submit.</summary>
    public const string OptionsHeader = "X-Flock-Options";

    public static readonly string[] DefaultVideoOptions = ["-c:v", "libx264", "-preset", "medium", "-crf", "23"];
}
