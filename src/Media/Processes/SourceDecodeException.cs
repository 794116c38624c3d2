namespace Flock.Media.Processes;

/// <summary>
/// A chunk's source did not decode cleanly (the decoder reported errors or concealed damage). Not the node's fault
/// and not the encoder's: the seed decides whether the entry point or the source is to blame.
/// </summary>
public sealed class SourceDecodeException(string message, string? details = null) : Exception(message)
{
    public string? Details { get; } = details;
}
