namespace Flock.Cli.Pbm.Output;

/// <summary>The process console.</summary>
public sealed class SystemConsoleOutput : IConsoleOutput
{
    public static readonly SystemConsoleOutput Instance = new(toError: false);

    /// <summary>
    /// The console with standard error as its <see cref="Out"/>: for `flock encode`, whose stdout is kept free of
    /// progress; whether it may redraw in place is then decided by standard error.
    /// </summary>
    public static readonly SystemConsoleOutput StandardError = new(toError: true);

    private readonly bool _toError;

    private SystemConsoleOutput(bool toError)
    {
        _toError = toError;
    }

    public TextWriter Out => _toError ? Console.Error : Console.Out;

    public TextWriter Error => Console.Error;

    public bool IsOutputTerminal => _toError ? !Console.IsErrorRedirected : !Console.IsOutputRedirected;

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
