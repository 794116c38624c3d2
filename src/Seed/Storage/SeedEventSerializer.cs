using Akka.Actor;
using Akka.Serialization;

namespace Flock.Seed.Storage;

/// <summary>
/// Writes every journalled event and snapshot as System.Text.Json under its <see cref="SeedEventTypes"/> manifest,
/// so the database holds <c>job-planned</c> and plain JSON, never a CLR type name that a rename would break.
/// </summary>
public sealed class SeedEventSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Stored in the journal's serializer column next to every row: never change it.</summary>
    public const int Id = 4100;

    /// <summary>The name the serializer is configured under.</summary>
    public const string Name = "flock-events";

    private readonly EventTypeRegistry _registry = SeedEventTypes.Registry;

    public override int Identifier => Id;

    public override byte[] ToBinary(object obj) => _registry.Serialize(obj);

    public override object FromBinary(byte[] bytes, string manifest) => _registry.Deserialize(bytes, manifest);

    public override string Manifest(object o) => _registry.ManifestOf(o.GetType());
}
