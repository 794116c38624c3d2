using System.Collections.Concurrent;
using System.Text.Json;

namespace Flock.Actors.Persistence;

/// <summary>
/// Maps CLR types to short stable manifests. Storing CLR type names would tie the database to namespaces and
/// assembly versions; a manifest survives refactorings as long as the JSON shape stays compatible.
/// Snapshot state types must be registered too.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly ConcurrentDictionary<string, Type> _byManifest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _byType = new();

    /// <summary>Process-wide registry used when a journal is created without one.</summary>
    public static EventTypeRegistry Default { get; } = new();

    public JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.General);

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="manifest"/>; re-registering the same pair is a no-op.</summary>
    public EventTypeRegistry Register<T>(string manifest) => Register(typeof(T), manifest);

    public EventTypeRegistry Register(Type type, string manifest)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(manifest);
        var existing = _byManifest.GetOrAdd(manifest, type);
        if (existing != type)
            throw new InvalidOperationException($"Manifest '{manifest}' is already registered for {existing.FullName}.");
        var existingManifest = _byType.GetOrAdd(type, manifest);
        if (existingManifest != manifest)
            throw new InvalidOperationException($"{type.FullName} is already registered as '{existingManifest}'.");
        return this;
    }

    public string ManifestOf(Type type) =>
        _byType.TryGetValue(type, out var manifest)
            ? manifest
            : throw new InvalidOperationException(
                $"{type.FullName} has no manifest; call EventTypeRegistry.Register<{type.Name}>(\"...\") before persisting it.");

    public (string Manifest, string Json) Serialize(object payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var type = payload.GetType();
        return (ManifestOf(type), JsonSerializer.Serialize(payload, type, JsonOptions));
    }

    public object Deserialize(string manifest, string json, string persistenceId, long sequenceNr)
    {
        if (!_byManifest.TryGetValue(manifest, out var type))
        {
            throw new UnknownManifestException(
                $"Unknown manifest '{manifest}' in {persistenceId} at sequence number {sequenceNr}; " +
                $"register its type with EventTypeRegistry.Register<T>(\"{manifest}\").");
        }
        return JsonSerializer.Deserialize(json, type, JsonOptions)
            ?? throw new InvalidOperationException($"Stored JSON for '{manifest}' in {persistenceId} at {sequenceNr} is null.");
    }
}
