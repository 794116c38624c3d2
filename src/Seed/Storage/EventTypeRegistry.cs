using System.Collections.Concurrent;
using System.Text.Json;

namespace Flock.Seed.Storage;

/// <summary>
/// Maps CLR types to short stable manifests. Storing CLR type names would tie the database to namespaces and
/// assembly versions; a manifest survives refactorings as long as the JSON shape stays compatible.
/// Snapshot state types must be registered too.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly ConcurrentDictionary<string, Type> _byManifest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _byType = new();

    public JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.General);

    /// <summary>Every registered type, for binding them all to the serializer that uses this registry.</summary>
    public IReadOnlyCollection<Type> Types => _byType.Keys.ToArray();

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
                $"{type.FullName} has no manifest; register it in SeedEventTypes before persisting it.");

    public byte[] Serialize(object payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var type = payload.GetType();
        ManifestOf(type);
        return JsonSerializer.SerializeToUtf8Bytes(payload, type, JsonOptions);
    }

    public object Deserialize(byte[] json, string manifest)
    {
        if (!_byManifest.TryGetValue(manifest, out var type))
            throw new UnknownManifestException($"Unknown manifest '{manifest}': no type is registered for it in SeedEventTypes.");
        return JsonSerializer.Deserialize(json, type, JsonOptions)
            ?? throw new InvalidOperationException($"Stored JSON for '{manifest}' is null.");
    }
}

/// <summary>A stored event or snapshot names a manifest this build does not know: recovery must stop, not guess.</summary>
public sealed class UnknownManifestException(string message) : Exception(message);
