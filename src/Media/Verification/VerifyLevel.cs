namespace Flock.Media.Verification;

/// <summary>How much of each chunk's decoded source the seed checks against its own decode (`flock.seed.verify`).</summary>
public enum VerifyLevel
{
    /// <summary>The first frames after every entry point that is not the file start (where a bad entry point shows).</summary>
    FirstFrames,

    /// <summary>Every frame, against one decode of the whole source from its start.</summary>
    Frames,
}

public static class VerifyLevels
{
    public static VerifyLevel Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "first-frames" => VerifyLevel.FirstFrames,
        "frames" => VerifyLevel.Frames,
        _ => throw new FormatException($"verify must be first-frames or frames, not '{text}'"),
    };
}
