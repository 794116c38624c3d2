using Flock.Messages.Cluster;

namespace Flock.Seed.Cluster;

/// <summary>
/// A connected node as actors see it: who it is, what it can encode, and a thread-safe way to send it a control
/// message (queued to its socket's send loop, never blocking an actor).
/// </summary>
public sealed record NodeHandle(string Name, string SessionId, IReadOnlyList<string> Encoders, Func<ControlMessage, bool> Send)
{
    public bool CanEncode(string? encoder) => encoder is null || Encoders.Contains(encoder);
}
