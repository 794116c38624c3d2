using System.ComponentModel;
using System.Text;
using CliWrap;

namespace Flock.Tests.Support;

/// <summary>The captured outcome of one ffmpeg/ffprobe run.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Thrown when ffmpeg/ffprobe exits with a non-zero code; the message carries the command and the stderr tail.</summary>
public sealed class FfmpegToolException : Exception
{
    public FfmpegToolException(string message, int exitCode, string standardError, string commandLine)
        : base(message)
    {
        ExitCode = exitCode;
        StandardError = standardError;
        CommandLine = commandLine;
    }

    public int ExitCode { get; }

    public string StandardError { get; }

    public string CommandLine { get; }
}

/// <summary>
/// Runs ffmpeg and ffprobe with an argument list (never through a shell), captures both output
/// streams, enforces a timeout and throws <see cref="FfmpegToolException"/> on a non-zero exit.
/// </summary>
public static class FfmpegTool
{
    /// <summary>Default time limit for one tool run.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>ffmpeg executable; override with the FLOCK_FFMPEG environment variable.</summary>
    public static string FfmpegPath { get; } = Environment.GetEnvironmentVariable("FLOCK_FFMPEG") is { Length: > 0 } f ? f : "ffmpeg";

    /// <summary>ffprobe executable; override with the FLOCK_FFPROBE environment variable.</summary>
    public static string FfprobePath { get; } = Environment.GetEnvironmentVariable("FLOCK_FFPROBE") is { Length: > 0 } p ? p : "ffprobe";

    private const int StderrTailLines = 25;

    /// <summary>Runs ffmpeg (with -hide_banner -nostdin prepended); throws on a non-zero exit.</summary>
    public static Task<ProcessResult> FfmpegAsync(IEnumerable<string> arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        RunAsync(FfmpegPath, ["-hide_banner", "-nostdin", .. arguments], timeout, throwOnError: true, cancellationToken);

    /// <summary>Runs ffprobe (with -hide_banner prepended); throws on a non-zero exit.</summary>
    public static Task<ProcessResult> FfprobeAsync(IEnumerable<string> arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        RunAsync(FfprobePath, ["-hide_banner", .. arguments], timeout, throwOnError: true, cancellationToken);

    /// <summary>Runs ffmpeg and returns the result whatever the exit code.</summary>
    public static Task<ProcessResult> TryFfmpegAsync(IEnumerable<string> arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        RunAsync(FfmpegPath, ["-hide_banner", "-nostdin", .. arguments], timeout, throwOnError: false, cancellationToken);

    /// <summary>Runs ffprobe and returns the result whatever the exit code.</summary>
    public static Task<ProcessResult> TryFfprobeAsync(IEnumerable<string> arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        RunAsync(FfprobePath, ["-hide_banner", .. arguments], timeout, throwOnError: false, cancellationToken);

    /// <summary>
    /// Runs <paramref name="executable"/> with <paramref name="arguments"/> passed one by one, through CliWrap. On
    /// timeout the process tree is killed and a <see cref="TimeoutException"/> is thrown.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string executable,
        IEnumerable<string> arguments,
        TimeSpan? timeout = null,
        bool throwOnError = true,
        CancellationToken cancellationToken = default)
    {
        var argumentList = arguments.ToList();
        var commandLine = FormatCommandLine(executable, argumentList);
        var limit = timeout ?? DefaultTimeout;
        using var timeoutSource = new CancellationTokenSource(limit);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var command = CliWrap.Cli.Wrap(executable).WithArguments(argumentList).WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout, Encoding.UTF8))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr, Encoding.UTF8));
        CommandResult run;
        try
        {
            run = await command.ExecuteAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start '{executable}' (is it installed and on PATH?): {e.Message}", e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{commandLine}\ntimed out after {limit.TotalSeconds:0.#} s; stderr tail:\n{Tail(stderr.ToString())}");
        }

        var result = new ProcessResult(run.ExitCode, stdout.ToString(), stderr.ToString());
        if (throwOnError && result.ExitCode != 0)
        {
            throw new FfmpegToolException(
                $"{commandLine}\nexited with code {result.ExitCode}; stderr tail:\n{Tail(result.StandardError)}",
                result.ExitCode,
                result.StandardError,
                commandLine);
        }

        return result;
    }

    /// <summary>The last lines of a tool's stderr, for error messages.</summary>
    public static string Tail(string text, int lines = StderrTailLines)
    {
        var all = text.TrimEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    private static string FormatCommandLine(string executable, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { executable }.Concat(arguments).Select(Quote));

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./:=+,@%".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
