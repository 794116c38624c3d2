using System.CommandLine;

namespace Flock.Cli;

/// <summary>Options that mean the same in `flock encode` and `pbm job submit`, defined once so they cannot drift apart.</summary>
internal static class CommonOptions
{
    public static Option<double> ChunkSeconds()
    {
        var chunkSeconds = new Option<double>("--chunk-seconds")
        {
            Description = "Target chunk length in seconds.",
            HelpName = "S",
            DefaultValueFactory = _ => 30,
        };
        chunkSeconds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or double.NaN)
            {
                r.AddError("--chunk-seconds must be positive");
            }
        });
        return chunkSeconds;
    }
}
