using System.CommandLine;
using Flock.Cli.Pbm.Output;

namespace Flock.Cli.Pbm;

/// <summary>What every pbm verb needs: the console, a way to reach the seed, and the polling cadence.</summary>
public sealed class PbmContext(IConsoleOutput console, Func<ParseResult, SeedClient> connect, TimeSpan pollInterval)
{
    public IConsoleOutput Console { get; } = console;

    public TimeSpan PollInterval { get; } = pollInterval;

    /// <summary>How long polling rides out an unreachable seed (a restart) before giving up.</summary>
    public TimeSpan UnreachableGrace { get; init; } = TimeSpan.FromSeconds(30);

    public SeedClient Connect(ParseResult parse) => connect(parse);

    public void WriteLine(string line) => Console.Out.WriteLine(line);
}
