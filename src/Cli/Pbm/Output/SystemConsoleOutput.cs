namespace Flock.Cli.Pbm.Output;

/// <summary>The process console.</summary>
public sealed class SystemConsoleOutput : IConsoleOutput
{
    public static readonly SystemConsoleOutput Instance = new();

    private SystemConsoleOutput()
    {
    }

    public TextWriter Out => Console.Out;

    public TextWriter Error => Console.Error;

    public bool IsOutputTerminal => !Console.IsOutputRedirected;

    public int Width
    {
        get
        {
            try
            {
                return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
            }
            catch (IOException)
            {
                return 80;
            }
        }
    }
}
