namespace Flock.Cli.Pbm.Interactive;

/// <summary>Where an interactive pbm session reads its lines from.</summary>
public interface ILineInput
{
    /// <summary>Shows <paramref name="prompt"/> and reads one line; null at end of input.</summary>
    string? ReadLine(string prompt, IReadOnlyList<string> history);
}
