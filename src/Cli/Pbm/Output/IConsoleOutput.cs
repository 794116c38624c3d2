namespace Flock.Cli.Pbm.Output;

/// <summary>Where pbm writes: results to <see cref="Out"/>, one-line errors to <see cref="Error"/>.</summary>
public interface IConsoleOutput
{
    TextWriter Out { get; }

    TextWriter Error { get; }

    /// <summary>True when <see cref="Out"/> is a terminal, so progress may redraw one line in place.</summary>
    bool IsOutputTerminal { get; }

    /// <summary>Terminal width in columns (used to clear a redrawn progress line).</summary>
    int Width { get; }
}
