namespace Flock.Messages.Cluster;

/// <summary>What a node may be called: its name appears in logs, paths, certificates and metrics labels.</summary>
public static class NodeNames
{
    public const string Rule = "node name must be 1-64 letters, digits, '-', '_' or '.'";

    public static bool IsValid(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
