using System.Text;
using CliWrap;

namespace Flock.Media.Processes;

/// <summary>
/// The one place child processes are run, through CliWrap. Always an argument list (never a shell, so no option can
/// smuggle a command), stdout and stderr read line by line, stderr kept as a bounded tail for error messages.
/// Cancelling interrupts first (SIGINT: ffmpeg stops reading, flushes and closes a valid file) and kills the whole
/// tree only if the child is still there after <see cref="GracePeriod"/>.
/// </summary>
public static class ProcessRunner
{
    private const int StderrTailLines = 40;

    /// <summary>How long an interrupted child may take to finish its file before it is killed (ffmpeg needs ~0.6 s).</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(2);

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        CancellationToken ct,
        Action<string>? onStdoutLine = null,
        bool captureStdout = true,
        string? workingDirectory = null,
        Action<string>? onStderrLine = null)
    {
        ct.ThrowIfCancellationRequested();
        var stdout = new StringBuilder();
        var tail = new Queue<string>();
        var command = ChildProcesses.Wrap(fileName, arguments)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                onStdoutLine?.Invoke(line);
                if (captureStdout) stdout.AppendLine(line);
            }, System.Text.Encoding.UTF8))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line =>
            {
                onStderrLine?.Invoke(line);
                lock (tail)
                {
                    tail.Enqueue(line);
                    if (tail.Count > StderrTailLines) tail.Dequeue();
                }
            }, System.Text.Encoding.UTF8));
        if (workingDirectory is not null) command = command.WithWorkingDirectory(workingDirectory);

        using var forceful = new CancellationTokenSource();
        CommandResult result;
        try
        {
            // Disposed before forceful (declared after it), and disposing waits for a running callback.
            using var escalation = ct.Register(() => forceful.CancelAfter(GracePeriod));
            result = await ChildSpawnThread.Run(() => command.ExecuteAsync(forceful.Token, ct).Task).Unwrap().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException($"{Path.GetFileName(fileName)} was cancelled", ct);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"could not start {fileName}: {e.InnerException?.Message ?? e.Message}", e);
        }

        string tailText;
        lock (tail) tailText = string.Join('\n', tail);
        // Under setpriv a missing program is setpriv's exit 127, where a direct start fails in the fork.
        if (result.ExitCode == 127 && ChildProcesses.Setpriv is not null && tailText.StartsWith("setpriv: failed to execute", StringComparison.Ordinal))
            throw new InvalidOperationException($"could not start {fileName}: {tailText["setpriv: failed to execute ".Length..].Trim()}");
        return new ProcessResult(result.ExitCode, stdout.ToString(), tailText);
    }
}
