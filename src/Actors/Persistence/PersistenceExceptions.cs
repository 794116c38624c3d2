namespace Flock.Actors.Persistence;

/// <summary>A sequence number was written twice for one persistence id, i.e. two writers believe they own it.</summary>
public sealed class JournalConcurrencyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A stored manifest has no registered type; replaying it blindly would silently lose state.</summary>
public sealed class UnknownManifestException(string message) : Exception(message);
