namespace Flock.Cli.Pbm.Output;

/// <summary>Captures pbm's output in memory (for tests and for embedding pbm in other tools).</summary>
public sealed class BufferedConsoleOutput(bool isOutputTerminal = false, int width = 80) : IConsoleOutput
{
    private readonly StringWriter _out = new() { NewLine = "\n" };
    private readonly StringWriter _error = new() { NewLine = "\n" };

    public TextWriter Out => _out;

    public TextWriter Error => _error;

    public bool IsOutputTerminal => isOutputTerminal;

    public int Width => width;

    public string OutText => _out.ToString();

    public string ErrorText => _error.ToString();
}
