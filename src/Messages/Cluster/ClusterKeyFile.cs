using Flock.Messages.Security;

namespace Flock.Messages.Cluster;

/// <summary>
/// The cluster key read from a file (`--cluster-key-file`, FLOCK_CLUSTER_KEY_FILE, `flock.cluster.key-file`), so the
/// secret never has to sit in an environment variable or shell history. Like ssh with a private key, a file others
/// may read is refused: the key would already be as good as shared.
/// </summary>
public static class ClusterKeyFile
{
    public const string Variable = "FLOCK_CLUSTER_KEY_FILE";

    private const UnixFileMode OthersAndGroup = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <exception cref="IOException">the file cannot be read, is empty, or is open to others.</exception>
    public static string Read(string path)
    {
        var full = Path.GetFullPath(path);
        string text;
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(full) & OthersAndGroup) is var open && open != 0)
                throw new IOException($"cluster key file {full} is open to others (mode {Convert.ToString((int)File.GetUnixFileMode(full), 8)}): run chmod 600 {full}");
            text = File.ReadAllText(full).Trim();
        }
        catch (Exception e) when (e is UnauthorizedAccessException || (e is IOException && !e.Message.StartsWith("cluster key file", StringComparison.Ordinal)))
        {
            throw new IOException($"cannot read cluster key file {full}: {OsError.Reason(e, full)}", e);
        }
        if (text.Length == 0) throw new IOException($"cluster key file {full} is empty");
        return text;
    }
}
