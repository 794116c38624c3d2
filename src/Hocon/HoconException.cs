namespace Flock.Hocon;

/// <summary>
/// Raised for every configuration problem (syntax, unresolved substitution, missing key, wrong type,
/// unknown key) so callers can catch one type and show the message to an operator as-is.
/// </summary>
public sealed class HoconException : Exception
{
    public HoconException(string message) : base(message) { }

    public HoconException(string message, Exception? innerException) : base(message, innerException) { }

    private HoconException(string message, HoconOrigin? origin, string? keyPath, Exception? inner)
        : base(message, inner)
    {
        Origin = origin;
        KeyPath = keyPath;
    }

    /// <summary>Source position of the problem, when it is tied to a place in a document.</summary>
    public HoconOrigin? Origin { get; }

    /// <summary>Configuration path of the problem, when it is tied to a key.</summary>
    public string? KeyPath { get; }

    internal static HoconException At(HoconOrigin? origin, string message, string? keyPath = null, Exception? inner = null)
        => new(origin is null ? message : $"{origin}: {message}", origin, keyPath, inner);
}
