using System.CommandLine;
using System.Runtime.InteropServices;
using Flock.Cli.Hosting;
using Flock.Cli.Pbm;
using Flock.Messages;

namespace Flock.Cli;

/// <summary>The single `flock` executable: seed, node, encode, demo and the pbm client.</summary>
public static class Program
{
    /// <summary>Exit code for a command line that does not parse.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Exit code when Ctrl+C/SIGTERM stopped a command that did not pick its own code.</summary>
    public const int InterruptedExitCode = 130;

    public static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        using var signals = ShutdownSignals.Install(cts);

        // pbm has its own grammar (an optional leading HOST:PORT), so it bypasses the root parser entirely.
        if (args.Length > 0 && args[0] == "pbm")
        {
            return await PbmApp.RunAsync(args[1..], cts.Token).ConfigureAwait(false);
        }

        var root = BuildRootCommand();
        if (args.Length == 0)
        {
            await root.Parse(["--help"]).InvokeAsync(cancellationToken: cts.Token).ConfigureAwait(false);
            return UsageExitCode;
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            return UsageExitCode;
        }

        var invocation = new InvocationConfiguration
        {
            // Signals are handled above so that runners may take as long as they need to shut down cleanly.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };

        try
        {
            return await parse.InvokeAsync(invocation, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return InterruptedExitCode;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync("error: " + OneLine(ex.Message)).ConfigureAwait(false);
            return 1;
        }
    }

    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand(
            "Flock: a distributed, frame-exact video encoder. A seed splits the input, nodes encode the chunks " +
            "with ffmpeg, and the seed joins them.");
        root.Subcommands.Add(SeedCommand());
        root.Subcommands.Add(NodeCommand());
        root.Subcommands.Add(EncodeCommand());
        root.Subcommands.Add(DemoCommand());
        root.Subcommands.Add(PbmCommand());
        if (Environment.GetEnvironmentVariable(LauncherVariable) == "1")
        {
            // Run through the repository's ./flock, whose own commands belong in the same list.
            root.Subcommands.Add(LauncherCommand("test", "Run the whole test suite (./flock test [--soak] [dotnet test arguments]); installs ffmpeg, PostgreSQL and chromium first when root."));
            root.Subcommands.Add(LauncherCommand("install", "Publish seed, node and pbm into PREFIX (./flock install [PREFIX], default /opt/flock) with systemd units."));
        }

        return root;
    }

    /// <summary>Set by the ./flock launcher, which handles `test` and `install` itself before this program runs.</summary>
    public const string LauncherVariable = "FLOCK_LAUNCHER";

    private static Command LauncherCommand(string name, string description)
    {
        var command = new Command(name, description);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(_ =>
        {
            Console.Error.WriteLine($"error: '{name}' is run by the ./flock launcher in the repository: ./flock {name}");
            return UsageExitCode;
        });
        return command;
    }

    private static Command SeedCommand()
    {
        var config = new Option<string?>("--config") { Description = "HOCON configuration file.", HelpName = "FILE" };
        var urls = new Option<string?>("--urls")
        {
            Description = $"Addresses to listen on (default https://127.0.0.1:{Protocol.DefaultPort}; http:// only with tls = off).",
            HelpName = "URL",
        };
        var data = new Option<string?>("--data") { Description = "Data directory (journal, chunks, cluster key).", HelpName = "DIR" };
        var logFormat = LogFormatOption();
        var peer = new Option<string[]>("--peer")
        {
            Description = "A running seed member's web address (HOST:PORT or URL): join its cluster as a further seed member (repeatable; needs flock.seed.shared-dir and a postgresql journal).",
            HelpName = "HOST:PORT",
            AllowMultipleArgumentsPerToken = false,
        };

        var command = new Command("seed", "Run the seed: job queue, splitting, joining and the HTTP API.");
        command.Options.Add(config);
        command.Options.Add(urls);
        command.Options.Add(data);
        command.Options.Add(peer);
        command.Options.Add(logFormat);
        command.SetAction((parse, ct) =>
            SeedRunner.RunAsync(parse.GetValue(config), parse.GetValue(urls), parse.GetValue(data), parse.GetValue(logFormat), ct, parse.GetValue(peer)));
        command.Subcommands.Add(SeedTokenCommand());
        return command;
    }

    private static Command SeedTokenCommand()
    {
        var config = new Option<string?>("--config") { Description = "HOCON configuration file (for its data-dir).", HelpName = "FILE" };
        var data = new Option<string?>("--data") { Description = "The seed's data directory.", HelpName = "DIR" };
        var readOnly = new Option<bool>("--read-only") { Description = "A token that can list and show, not submit or cancel (required: the admin token is configured or created by the seed)." };
        var create = new Command("create", "Create an API token in the seed's data dir (a running seed picks it up) and print it.");
        create.Options.Add(readOnly);
        create.Options.Add(config);
        create.Options.Add(data);
        create.SetAction(parse => SeedRunner.CreateToken(parse.GetValue(config), parse.GetValue(data), parse.GetValue(readOnly)));
        var token = new Command("token", "Manage the seed's API tokens.");
        token.Subcommands.Add(create);
        return token;
    }

    private static Command NodeCommand()
    {
        var seed = new Option<string?>("--seed")
        {
            Description = "The seed to join: HOST:PORT (TLS when the seed offers it) or an http(s):// URL; several seed members comma-separated, "
                + "the first that answers is used (default: FLOCK_SEED, else flock.node.seed, 127.0.0.1:9110).",
            HelpName = "HOST:PORT[,HOST:PORT...]",
        };
        var keyFile = new Option<string?>("--cluster-key-file")
        {
            Description = "Read the cluster key from this owner-only file (default: FLOCK_CLUSTER_KEY_FILE, flock.cluster.key-file, else FLOCK_CLUSTER_KEY).",
            HelpName = "FILE",
        };
        var name = new Option<string?>("--name") { Description = "Node name (default: the host name).", HelpName = "NAME" };
        var config = new Option<string?>("--config") { Description = "HOCON configuration file.", HelpName = "FILE" };
        var accept = new Option<string?>("--accept-fingerprint")
        {
            Description = "Trust the seed's new certificate with this fingerprint, replacing the pinned one.",
            HelpName = "SHA256:HEX",
        };
        var logFormat = LogFormatOption();

        var command = new Command("node", "Run a worker node that encodes chunks for a seed.");
        command.Options.Add(seed);
        command.Options.Add(keyFile);
        command.Options.Add(accept);
        command.Options.Add(name);
        command.Options.Add(config);
        command.Options.Add(logFormat);
        command.SetAction((parse, ct) =>
            NodeRunner.RunAsync(parse.GetValue(seed), parse.GetValue(name), parse.GetValue(config), parse.GetValue(logFormat), parse.GetValue(accept),
                parse.GetValue(keyFile), ct));
        return command;
    }

    private static Option<string?> LogFormatOption() =>
        new("--log-format") { Description = "Console logs as text or json (default: flock.log.format).", HelpName = "text|json" };

    private static Command EncodeCommand()
    {
        var input = new Argument<string>("IN") { Description = "Input video file." };
        var output = new Argument<string>("OUT") { Description = "Output video file." };
        var ffmpegOptions = new Argument<string[]>("FFMPEG_OUTPUT_OPTIONS")
        {
            Description = "ffmpeg output options, after `--` (default: " + string.Join(' ', Protocol.DefaultVideoOptions) + ").",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var nodes = new Option<int?>("--nodes") { Description = "Number of local nodes to start (default: one per core).", HelpName = "N" };
        nodes.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
            {
                r.AddError("--nodes must be at least 1");
            }
        });
        var chunkSeconds = CommonOptions.ChunkSeconds();
        var report = new Option<string?>("--report") { Description = "Write a JSON report of the run to FILE.", HelpName = "FILE" };
        var hdr = new Option<string>("--hdr")
        {
            Description = "warn: encode a source whose HDR the encoder cannot carry, and say what is lost; strict: refuse it (flock.seed.hdr).",
            HelpName = "warn|strict",
            DefaultValueFactory = _ => "warn",
        };
        hdr.AcceptOnlyFromAmong("warn", "strict");

        var command = new Command("encode", "Encode IN to OUT with a throwaway local cluster (seed and nodes in this process).");
        command.Arguments.Add(input);
        command.Arguments.Add(output);
        command.Arguments.Add(ffmpegOptions);
        command.Options.Add(nodes);
        command.Options.Add(chunkSeconds);
        command.Options.Add(report);
        command.Options.Add(hdr);
        command.SetAction((parse, ct) => EncodeRunner.RunAsync(
            new EncodeArguments(
                parse.GetValue(input)!,
                parse.GetValue(output)!,
                parse.GetValue(nodes),
                parse.GetValue(chunkSeconds),
                parse.GetValue(report),
                parse.GetValue(ffmpegOptions) ?? [],
                parse.GetValue(hdr) ?? "warn"),
            ct));
        return command;
    }

    private static Command DemoCommand()
    {
        var input = new Argument<string?>("IN") { Description = "Input video (default: a generated test clip).", Arity = ArgumentArity.ZeroOrOne };
        var output = new Argument<string?>("OUT") { Description = "Output video (default: under out/).", Arity = ArgumentArity.ZeroOrOne };

        var command = new Command("demo", "Generate a clip (or take IN), encode it on a local cluster and check the result.");
        command.Arguments.Add(input);
        command.Arguments.Add(output);
        command.SetAction((parse, ct) => DemoRunner.RunAsync(parse.GetValue(input), parse.GetValue(output), ct));
        return command;
    }

    private static Command PbmCommand()
    {
        // Only reached through `flock --help`; Main hands `flock pbm ...` to PbmApp before parsing.
        var rest = new Argument<string[]>("ARGS")
        {
            Description = "[HOST:PORT|URL] <job|cluster> <verb> ... (see `flock pbm --help`).",
            Arity = ArgumentArity.ZeroOrMore,
            CaptureRemainingTokens = true,
        };
        var command = new Command("pbm", "Command-line client of a seed's HTTP API: submit, list, show, wait, fetch and cancel jobs; show the cluster.");
        command.Arguments.Add(rest);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, ct) => PbmApp.RunAsync(parse.GetValue(rest) ?? [], ct));
        return command;
    }

    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Ctrl+C and SIGTERM cancel the token once; a second Ctrl+C kills the process.</summary>
    private sealed class ShutdownSignals : IDisposable
    {
        private readonly CancellationTokenSource _cts;
        private readonly PosixSignalRegistration? _sigterm;

        private ShutdownSignals(CancellationTokenSource cts)
        {
            _cts = cts;
            Console.CancelKeyPress += OnCancelKeyPress;
            if (!OperatingSystem.IsWindows())
            {
                _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSigterm);
            }
        }

        public static ShutdownSignals Install(CancellationTokenSource cts) => new(cts);

        public void Dispose()
        {
            Console.CancelKeyPress -= OnCancelKeyPress;
            _sigterm?.Dispose();
        }

        private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
        {
            if (_cts.IsCancellationRequested)
            {
                return; // second Ctrl+C: let the runtime end the process
            }

            e.Cancel = true;
            Cancel();
        }

        private void OnSigterm(PosixSignalContext context)
        {
            context.Cancel = true;
            Cancel();
        }

        private void Cancel()
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the command already finished
            }
        }
    }
}
