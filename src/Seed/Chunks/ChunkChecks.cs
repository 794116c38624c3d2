using System.Collections.Immutable;
using Flock.Media.Verification;

namespace Flock.Seed.Chunks;

/// <summary>What a chunk's results are checked against: the job's source, how much of it, and the keyframes known not to be clean entry points.</summary>
public sealed record ChunkChecks(string SourcePath, VerifyLevel Level, ImmutableSortedSet<long> BadEntries)
{
    /// <summary>The whole-source frame hashes (verify = frames), kept in the job's folder.</summary>
    public const string ReferenceFileName = "reference.framehash";
}
