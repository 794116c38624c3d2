using Microsoft.Extensions.Logging;

namespace Flock.Cli.Hosting;

/// <summary>Logs go to stderr, one line each, so stdout stays for results scripts read.</summary>
internal static class ConsoleLogging
{
    public const string Text = "text";
    public const string Json = "json";

    /// <summary>The log format a command line or configuration asked for; null when it is neither text nor json.</summary>
    public static string? Validate(string format) => format.Trim().ToLowerInvariant() is Text or Json ? format.Trim().ToLowerInvariant() : null;

    /// <summary>The loggers a seed or node runs with; null (after one `error:` line) when the format is neither text nor json.</summary>
    public static ILoggerFactory? CreateOrReport(string format)
    {
        if (Validate(format) is { } valid) return Create(LogLevel.Information, valid);
        Console.Error.WriteLine($"error: log format '{format}' is neither text nor json");
        return null;
    }

    /// <summary>
    /// The loggers of a command that runs its own seed (`flock encode`, `flock demo`): warnings only, and no line for a
    /// job's end, which the command says itself; everything with FLOCK_VERBOSE=1.
    /// </summary>
    public static ILoggerFactory ForCommand()
    {
        var verbose = Environment.GetEnvironmentVariable("FLOCK_VERBOSE") == "1";
        return Create(verbose ? LogLevel.Information : LogLevel.Warning, outcomesSaidElsewhere: !verbose);
    }

    /// <param name="format">text: one readable line per entry; json: one JSON object per line, template fields (JobId, ChunkIndex...) under State.</param>
    /// <param name="outcomesSaidElsewhere">the command prints the job's end itself (`flock encode`, `flock demo`): the seed's own line of it is left out.</param>
    public static ILoggerFactory Create(LogLevel minimum, string format = Text, bool outcomesSaidElsewhere = false) => LoggerFactory.Create(b =>
    {
        if (outcomesSaidElsewhere) b.AddFilter(Flock.Seed.Jobs.JobActor.OutcomeCategory, LogLevel.None);
        if (Validate(format) == Json)
            b.AddJsonConsole(o => { o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; o.UseUtcTimestamp = true; o.IncludeScopes = true; });
        else
            b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        b.SetMinimumLevel(minimum);
        b.AddFilter("Microsoft", LogLevel.Warning);
        // A standby seed member says in its own words when it cannot forward to the coordinator (StandbyForwarding).
        b.AddFilter("Yarp", LogLevel.Error);
    });
}
