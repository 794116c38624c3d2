namespace Flock.Cli.Pbm.Interactive;

/// <summary>
/// Lines from a pipe or file. The prompt and the line read are echoed to <paramref name="output"/> so that a
/// transcript of a scripted session reads like the terminal one.
/// </summary>
public sealed class TextLineInput(TextReader input, TextWriter output) : ILineInput
{
    public string? ReadLine(string prompt, IReadOnlyList<string> history)
    {
        output.Write(prompt);
        var line = input.ReadLine();
        output.WriteLine(line ?? "");
        output.Flush();
        return line;
    }
}
