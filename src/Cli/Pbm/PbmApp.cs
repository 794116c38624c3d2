using System.CommandLine;
using Flock.Cli.Pbm.Interactive;
using Flock.Cli.Pbm.Output;
using Flock.Messages.Security;

namespace Flock.Cli.Pbm;

/// <summary>
/// pbm, the command-line client of a seed: `flock pbm [HOST:PORT|URL] [--token T] &lt;palette&gt; &lt;verb&gt; ...`.
/// Results go to stdout; every error is one `error: ...` line on stderr with a non-zero exit code.
/// </summary>
public sealed class PbmApp
{
    public const string TokenEnvironmentVariable = "FLOCK_TOKEN";

    public const string Usage = """
        usage: flock pbm [HOST:PORT|URL[,...]] [--token TOKEN] [--accept-fingerprint SHA256:HEX] <palette> <verb> [arguments]
               flock pbm HOST:PORT[,...] [--token TOKEN]    (interactive session)

        """ + Commands + """

        The seed defaults to 127.0.0.1:9110. HOST:PORT uses TLS when the seed offers it; its certificate is pinned on
        first contact in $FLOCK_KNOWN_SEEDS (default ~/.config/flock/known_seeds), and a changed one is refused unless
        --accept-fingerprint names it. A full http:// or https:// URL is used as written. Several seed members,
        comma-separated (a:9110,b:9110): the first that answers is used.
        The token defaults to $FLOCK_TOKEN. Add --help after any verb for its options.
        """;

    /// <summary>Every verb, as `help` lists them in an interactive session.</summary>
    public const string Commands = """
          job submit IN OUT [--chunk-seconds S] [--priority P] [-- FFMPEG_OPTIONS...]
          job submit IN [OUT] --detach [...]
          job list [--json]
          job show ID [--json]
          job wait ID
          job watch ID [--json]
          job fetch ID [OUT]
          job cancel ID
          job retry ID
          job priority ID P
          cluster show [--json]
          cluster status [--json]
          cluster leader [--json]
          cluster tail [--all] [--json]
          cluster leave NODE
          cluster down NODE
          cluster down-unreachable [--json]
        """;

    private static readonly string[] Palettes = ["job", "cluster"];

    private readonly IConsoleOutput _console;
    private readonly Func<string, string?> _environment;
    private readonly HttpMessageHandler? _handler;
    private readonly TimeSpan _pollInterval;
    private readonly ILineInput? _input;

    /// <param name="console">Where output goes.</param>
    /// <param name="environment">Reads environment variables (FLOCK_TOKEN).</param>
    /// <param name="handler">HTTP handler to reach the seed through (tests); null for real sockets.</param>
    /// <param name="pollInterval">How often `job submit` and `job wait` poll (default 500 ms).</param>
    /// <param name="input">Lines for an interactive session (null: the process's stdin).</param>
    public PbmApp(
        IConsoleOutput console,
        Func<string, string?>? environment = null,
        HttpMessageHandler? handler = null,
        TimeSpan? pollInterval = null,
        ILineInput? input = null)
    {
        _input = input;
        _console = console;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _handler = handler;
        _pollInterval = pollInterval ?? TimeSpan.FromMilliseconds(500);
    }

    /// <summary>Runs pbm on the process console.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken ct) =>
        new PbmApp(SystemConsoleOutput.Instance).InvokeAsync(args, ct);

    public async Task<int> InvokeAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        string? address;
        IReadOnlyList<string> rest;
        IReadOnlyList<SeedTarget> seeds;
        try
        {
            (address, rest) = SplitAddress(args);
            seeds = address is null ? [new SeedTarget(SeedAddress.Default, SchemeGiven: false)] : SeedAddress.ParseList(address);
        }
        catch (PbmException ex)
        {
            return Fail(ex.Message, ex.ExitCode);
        }

        if (address is not null && rest.All(a => IsConnectionOption(a) || IsTokenValue(rest, a)))
        {
            return await RunSessionAsync(seeds, rest, ct).ConfigureAwait(false);
        }

        return await RunCommandAsync(seeds, rest, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// `flock pbm HOST:PORT`: a prompt per line, each line parsed by the same commands as the one-shot form; errors
    /// are printed and the session goes on. `help`, `history`, `exit`/`quit`; end of input or Ctrl+C ends it.
    /// </summary>
    private async Task<int> RunSessionAsync(IReadOnlyList<SeedTarget> seeds, IReadOnlyList<string> sessionOptions, CancellationToken ct)
    {
        var prompt = $"[{string.Join(',', seeds.Select(s => s.Address.Authority))}] pbm> ";
        var input = _input ?? (Console.IsInputRedirected ? new TextLineInput(Console.In, _console.Out) : new TerminalLineInput());
        var history = new List<string>();
        while (!ct.IsCancellationRequested)
        {
            var line = input.ReadLine(prompt, history);
            if (line is null)
            {
                break;
            }

            line = line.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            history.Add(line);
            switch (line)
            {
                case "exit" or "quit":
                    return PbmExitCodes.Success;
                case "help" or "?":
                    _console.Out.WriteLine(Commands.TrimEnd());
                    _console.Out.WriteLine("  history | help | exit");
                    continue;
                case "history":
                    for (var i = 0; i < history.Count; i++)
                    {
                        _console.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i + 1,4}  {history[i]}"));
                    }

                    continue;
            }

            var tokens = System.CommandLine.Parsing.CommandLineParser.SplitCommandLine(line).ToList();
            if (tokens.Count > 0 && tokens[0] == "pbm")
            {
                tokens.RemoveAt(0);
            }

            await RunCommandAsync(seeds, [.. sessionOptions, .. tokens], ct, interactive: true).ConfigureAwait(false);
            await _console.Error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return PbmExitCodes.Success;
    }

    /// <param name="interactive">A session's line: a line that is no command gets one error line, not the whole usage.</param>
    private async Task<int> RunCommandAsync(IReadOnlyList<SeedTarget> seeds, IReadOnlyList<string> rest, CancellationToken ct, bool interactive = false)
    {
        try
        {
            var accept = new Option<string?>("--accept-fingerprint")
            {
                Description = "Trust the seed's new certificate with this fingerprint (SHA256:HEX), replacing the pinned one.",
                HelpName = "SHA256:HEX",
                Recursive = true,
            };
            var token = new Option<string?>("--token")
            {
                Description = "Bearer token for the seed (default: $" + TokenEnvironmentVariable + ").",
                HelpName = "TOKEN",
                Recursive = true,
            };
            var context = new PbmContext(
                _console,
                parse => new SeedClient(
                    seeds,
                    parse.GetValue(token) ?? NonEmpty(_environment(TokenEnvironmentVariable)),
                    _handler,
                    new KnownSeeds(KnownSeeds.DefaultPath(_environment), parse.GetValue(accept) ?? NonEmpty(_environment(KnownSeeds.AcceptVariable)))
                    {
                        Notice = line => _console.Error.WriteLine(line),
                    }),
                _pollInterval);

            // Nested under a root so that help reads `flock pbm job submit ...`.
            var pbm = new Command("pbm", "pbm: the command-line client of a Flock seed.");
            pbm.Options.Add(token);
            pbm.Options.Add(accept);
            pbm.Subcommands.Add(JobCommands.Build(context));
            pbm.Subcommands.Add(ClusterCommands.Build(context));
            var root = new RootCommand { pbm };

            if (rest.Count == 0)
            {
                return UsageError(null);
            }

            var parse = root.Parse(["pbm", .. rest]);
            if (parse.Errors.Count > 0 && interactive)
            {
                var words = rest.SkipWhile(a => IsConnectionOption(a) || IsTokenValue(rest, a)).ToList();
                return Fail(words.Count > 0 && !IsPalette(words[0])
                    ? $"unknown command '{words[0]}': type help"
                    : $"{parse.Errors[0].Message.TrimEnd('.')}: type help", PbmExitCodes.Usage);
            }

            if (parse.Errors.Count > 0)
            {
                var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
                return UsageError(error.Message);
            }

            var invocation = new InvocationConfiguration
            {
                Output = _console.Out,
                Error = _console.Error,
                ProcessTerminationTimeout = null,
                EnableDefaultExceptionHandler = false,
            };
            return await parse.InvokeAsync(invocation, ct).ConfigureAwait(false);
        }
        catch (PbmException ex)
        {
            return Fail(ex.Message, ex.ExitCode);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Fail("interrupted", PbmExitCodes.Interrupted);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(ex.Message, PbmExitCodes.Failure);
        }
        finally
        {
            await _console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static bool IsTokenValue(IReadOnlyList<string> args, string candidate)
    {
        for (var i = 1; i < args.Count; i++)
        {
            if (args[i - 1] is "--token" or "--accept-fingerprint" && ReferenceEquals(args[i], candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Takes an optional leading seed address off the arguments (also when `--token` comes first). A first token
    /// is an address when it is not a palette and looks like one (has ':' or '.', or is localhost) or is followed
    /// by a palette name.
    /// </summary>
    public static (string? Address, IReadOnlyList<string> Remaining) SplitAddress(IReadOnlyList<string> args)
    {
        var leading = new List<string>();
        var i = 0;
        while (i < args.Count && IsConnectionOption(args[i]))
        {
            leading.Add(args[i]);
            if (args[i] is "--token" or "--accept-fingerprint" && i + 1 < args.Count)
            {
                leading.Add(args[i + 1]);
                i++;
            }

            i++;
        }

        if (i < args.Count && !args[i].StartsWith('-') && !IsPalette(args[i])
            && (SeedAddress.LooksLikeAddress(args[i]) || (i + 1 < args.Count && IsPalette(args[i + 1]))))
        {
            var rest = new List<string>(leading);
            rest.AddRange(args.Skip(i + 1));
            return (args[i], rest);
        }

        return (null, args);
    }

    /// <summary>Options about reaching the seed rather than about a command: they may come before the address.</summary>
    private static bool IsConnectionOption(string arg) =>
        arg.StartsWith("--token", StringComparison.Ordinal) || arg.StartsWith("--accept-fingerprint", StringComparison.Ordinal);

    private static bool IsPalette(string token) => Palettes.Contains(token, StringComparer.Ordinal);

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private int UsageError(string? message)
    {
        _console.Error.WriteLine(Usage.TrimEnd());
        if (message is not null)
        {
            _console.Error.WriteLine("error: " + Program.OneLine(message));
        }

        return PbmExitCodes.Usage;
    }

    private int Fail(string message, int exitCode)
    {
        _console.Error.WriteLine("error: " + Program.OneLine(message));
        return exitCode;
    }
}
