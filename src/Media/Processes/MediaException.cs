namespace Flock.Media.Processes;

/// <summary>A media operation failed; <see cref="Exception.Message"/> is one line fit for a user, <see cref="Details"/> the tool's output.</summary>
public sealed class MediaException(string message, string? details = null, Exception? inner = null) : Exception(message, inner)
{
    public string? Details { get; } = details;
}
