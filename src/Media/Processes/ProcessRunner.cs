using System.Diagnostics;
using System.Text;

namespace Flock.Media.Processes;

/// <summary>
/// The one place child processes are started. Always an argument list (never a shell, so no option can smuggle a
/// command), stderr kept as a bounded tail, and cancellation kills the whole tree so no ffmpeg outlives its job.
/// </summary>
public static class ProcessRunner
{
    private const int StderrTailLines = 40;

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        CancellationToken ct,
        Action<string>? onStdoutLine = null,
        bool captureStdout = true,
        string? workingDirectory = null,
        Action<string>? onStderrLine = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in arguments) psi.ArgumentList.Add(a);

        using var process = new Process { StartInfo = psi };
        try
        {
            if (!process.Start()) throw new InvalidOperationException($"could not start {fileName}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"could not start {fileName}: {e.Message}", e);
        }

        var stdout = new StringBuilder();
        var tail = new Queue<string>();
        var stdoutTask = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
            {
                onStdoutLine?.Invoke(line);
                if (captureStdout) stdout.AppendLine(line);
            }
        }, CancellationToken.None);
        var stderrTask = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
            {
                onStderrLine?.Invoke(line);
                lock (tail)
                {
                    tail.Enqueue(line);
                    if (tail.Count > StderrTailLines) tail.Dequeue();
                }
            }
        }, CancellationToken.None);

        using (ct.Register(() => Kill(process)))
        {
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        await Task.WhenAll(stdoutTask, stderrTask).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        string tailText;
        lock (tail) tailText = string.Join('\n', tail);
        return new ProcessResult(process.ExitCode, stdout.ToString(), tailText);
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing left to kill.
        }
    }
}
