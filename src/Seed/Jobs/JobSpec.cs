namespace Flock.Seed.Jobs;

/// <summary>
/// What the user asked for. <see cref="InputPath"/> is on the seed's disk (an uploaded input is stored in the job's
/// folder first); <see cref="OutputPath"/> is where the verified result is delivered. <see cref="UserOutput"/> is the
/// OUT the user typed ("" when they gave none), what listings show: journals written before it existed replay with
/// null, and those jobs show their delivery path as before. <see cref="Live"/>: published as HLS while it encodes
/// (<see cref="Live.LiveActor"/>); <see cref="KeepLive"/>: those files stay once it settles.
/// </summary>
public sealed record JobSpec(
    string Id,
    string InputPath,
    string InputName,
    string OutputPath,
    IReadOnlyList<string> Options,
    double ChunkSeconds,
    int Priority,
    string? UserOutput = null,
    bool Live = false,
    bool KeepLive = false)
{
    /// <summary>The output as listings show it: the user's OUT, `-` when they gave none.</summary>
    public string OutputShown() => UserOutput switch
    {
        null => OutputPath,
        "" => "-",
        var typed => typed,
    };
}
