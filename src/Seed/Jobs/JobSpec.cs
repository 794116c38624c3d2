namespace Flock.Seed.Jobs;

/// <summary>
/// What the user asked for. <see cref="InputPath"/> is on the seed's disk (an uploaded input is stored in the job's
/// folder first); <see cref="OutputPath"/> is where the verified result is delivered.
/// </summary>
public sealed record JobSpec(
    string Id,
    string InputPath,
    string InputName,
    string OutputPath,
    IReadOnlyList<string> Options,
    double ChunkSeconds,
    int Priority);
