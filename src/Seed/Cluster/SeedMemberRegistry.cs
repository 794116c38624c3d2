using System.Text.Json;
using Flock.Messages;

namespace Flock.Seed.Cluster;

/// <summary>
/// The seed members of one cluster as recorded in the shared dir: each member's Akka address and the web address it
/// serves. Akka's membership carries no web address, yet a standby member forwards the web side to the coordinator's,
/// and a seed member started without peers finds the running ones here instead of forming a second cluster.
/// Entries of killed members stay until that address starts again: readers treat an entry as a hint, never as a
/// live member (membership is Akka's).
/// </summary>
public sealed class SeedMemberRegistry(string sharedDir)
{
    public const string DirectoryName = "seed-members";

    public sealed record Entry(string Address, string Url);

    private string Dir => Path.Combine(sharedDir, DirectoryName);

    public void Record(string address, Uri url)
    {
        Directory.CreateDirectory(Dir);
        var path = PathOf(address);
        var temp = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temp, WireJson.Serialize(new Entry(address, url.ToString())));
        // Readers on other machines see the old entry or the new one, never half of one.
        File.Move(temp, path, overwrite: true);
    }

    public void Forget(string address)
    {
        try { File.Delete(PathOf(address)); }
        catch (IOException) { }
    }

    public IReadOnlyList<Entry> All() =>
        Directory.Exists(Dir) ? Directory.EnumerateFiles(Dir, "*.json").Select(Read).OfType<Entry>().ToList() : [];

    /// <summary>A standby member asks this for every request it forwards: one file read, not the whole directory.</summary>
    public Uri? UrlOf(string address) =>
        Read(PathOf(address)) is { } entry && entry.Address == address && Uri.TryCreate(entry.Url, UriKind.Absolute, out var url) ? url : null;

    private static Entry? Read(string file)
    {
        try { return WireJson.Deserialize<Entry>(File.ReadAllText(file)); }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException) { return null; }
    }

    private string PathOf(string address) =>
        Path.Combine(Dir, string.Concat(address.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_')) + ".json");
}
