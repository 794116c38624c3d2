using Microsoft.Extensions.Logging;

namespace Flock.Cli.Hosting;

/// <summary>Logs go to stderr, one line each, so stdout stays for results scripts read.</summary>
internal static class ConsoleLogging
{
    public static ILoggerFactory Create(LogLevel minimum) => LoggerFactory.Create(b =>
    {
        b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        b.SetMinimumLevel(minimum);
        b.AddFilter("Microsoft", LogLevel.Warning);
    });
}
