namespace Flock.Cli.Pbm;

/// <summary>pbm's process exit codes.</summary>
public static class PbmExitCodes
{
    public const int Success = 0;

    /// <summary>Any error, and `job wait` on a failed job.</summary>
    public const int Failure = 1;

    /// <summary>Bad command line (unknown verb, missing argument); also `job wait` on a cancelled job.</summary>
    public const int Usage = 2;

    /// <summary>`job wait` on a cancelled job.</summary>
    public const int Cancelled = 2;

    /// <summary>Interrupted by Ctrl+C/SIGTERM.</summary>
    public const int Interrupted = 130;
}
