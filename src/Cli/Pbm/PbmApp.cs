using System.CommandLine;
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
        usage: flock pbm [HOST:PORT|URL] [--token TOKEN] [--accept-fingerprint SHA256:HEX] <palette> <verb> [arguments]

          job submit IN OUT [--chunk-seconds S] [--priority P] [--detach] [-- FFMPEG_OPTIONS...]
          job list [--json]
          job show ID [--json]
          job wait ID
          job fetch ID OUT
          job cancel ID
          cluster show [--json]

        The seed defaults to 127.0.0.1:4053. HOST:PORT uses TLS when the seed offers it; its certificate is pinned on
        first contact in $FLOCK_KNOWN_SEEDS (default ~/.config/flock/known_seeds), and a changed one is refused unless
        --accept-fingerprint names it. A full http:// or https:// URL is used as written.
        The token defaults to $FLOCK_TOKEN. Add --help after any verb for its options.
        """;

    private static readonly string[] Palettes = ["job", "cluster"];

    private readonly IConsoleOutput _console;
    private readonly Func<string, string?> _environment;
    private readonly HttpMessageHandler? _handler;
    private readonly TimeSpan _pollInterval;

    /// <param name="console">Where output goes.</param>
    /// <param name="environment">Reads environment variables (FLOCK_TOKEN).</param>
    /// <param name="handler">HTTP handler to reach the seed through (tests); null for real sockets.</param>
    /// <param name="pollInterval">How often `job submit` and `job wait` poll (default 500 ms).</param>
    public PbmApp(
        IConsoleOutput console,
        Func<string, string?>? environment = null,
        HttpMessageHandler? handler = null,
        TimeSpan? pollInterval = null)
    {
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
        try
        {
            var (address, rest) = SplitAddress(args);
            var seed = address is null ? SeedAddress.Default : SeedAddress.Parse(address);
            var schemeGiven = address?.Contains("://", StringComparison.Ordinal) == true;
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
                    seed,
                    parse.GetValue(token) ?? NonEmpty(_environment(TokenEnvironmentVariable)),
                    _handler,
                    new KnownSeeds(KnownSeeds.DefaultPath(_environment), parse.GetValue(accept) ?? NonEmpty(_environment(KnownSeeds.AcceptVariable)))
                    {
                        Notice = line => _console.Error.WriteLine(line),
                    },
                    schemeGiven),
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

    /// <summary>
    /// Takes an optional leading seed address off the arguments (also when `--token` comes first). A first token
    /// is an address when it is not a palette and looks like one (has ':' or '.', or is localhost) or is followed
    /// by a palette name.
    /// </summary>
    public static (string? Address, IReadOnlyList<string> Remaining) SplitAddress(IReadOnlyList<string> args)
    {
        var leading = new List<string>();
        var i = 0;
        while (i < args.Count && (args[i].StartsWith("--token", StringComparison.Ordinal) || args[i].StartsWith("--accept-fingerprint", StringComparison.Ordinal)))
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
