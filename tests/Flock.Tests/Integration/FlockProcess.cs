using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Flock.Tests.Integration;

/// <summary>
/// The real `flock` program (<see cref="Dll"/>) as a child process: what users run, with real
/// sockets on 127.0.0.1. Long-running ones (seed, node) are killed with SIGKILL on dispose so no test leaks one.
/// </summary>
public sealed class FlockProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private FlockProcess(Process process) => _process = process;

    /// <summary>
    /// The build `./flock test` published for this run (<c>FLOCK_TEST_DLL</c>: the launcher's own ReadyToRun build, what
    /// `./flock demo` and installs run), else the plain build next to the tests (`dotnet test` run directly).
    /// </summary>
    public static string Dll => Published ?? Path.Combine(AppContext.BaseDirectory, "flock.dll");

    private static string? Published => Environment.GetEnvironmentVariable("FLOCK_TEST_DLL") is { Length: > 0 } dll ? dll : null;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <param name="fileName">Another program that starts flock itself (a wrapper such as unshare), given the whole command in <paramref name="args"/>.</param>
    public static FlockProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, string fileName = "dotnet", string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        if (fileName == "dotnet") psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["FLOCK_TOKEN"] = "";
        Tiered(psi);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var result = new FlockProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (result._output) result._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (result._output) result._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>
    /// The published build runs with flock's own settings (tiered compilation off over code compiled ahead of time).
    /// The plain build has no code compiled ahead, so with those settings every method it meets would be JIT-compiled
    /// at full optimisation (a seed took 5.7-6.5 s of CPU to start, 2.7-2.9 s tiered): it is started tiered. The suite
    /// is CPU-bound on 2 cores; the five SeedFailoverTests used 189 s of CPU on the plain build started tiered, 130 s
    /// on the published one.
    /// </summary>
    private static void Tiered(ProcessStartInfo psi)
    {
        if (Published is null) psi.Environment["DOTNET_TieredCompilation"] = "1";
    }

    /// <summary>Runs flock (or, with <paramref name="fileName"/>, another program) to completion; returns its exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? env = null, string? stdin = null, string? workingDirectory = null, string fileName = "dotnet")
    {
        var psi = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        if (fileName == "dotnet") psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["FLOCK_TOKEN"] = "";
        Tiered(psi);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"flock {string.Join(' ', args)} did not finish: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (HasExited)
            {
                // Exited is seen before the last redirected lines are read: WaitForExit() drains them first.
                _process.WaitForExit();
                if (Output.Contains(text, StringComparison.Ordinal)) return;
                throw new InvalidOperationException($"process exited before printing '{text}':\n{Output}");
            }
            if (DateTime.UtcNow > until) throw new TimeoutException($"no '{text}' within {timeout}:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM, as systemd stops a service.</summary>
    public void Terminate()
    {
        if (!_process.HasExited && Kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
    }

    /// <summary>Waits for the process to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"process did not exit within {timeout}:\n{Output}"); }
        return _process.ExitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>SIGKILL: no chance to say goodbye, as when a machine loses power.</summary>
    public void KillHard()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(5000);
    }

    /// <summary>
    /// SIGSTOP to the process and every process under it (its ffmpeg included), as a machine that stalls does: a VM
    /// paused or migrated, a laptop suspended, a swap storm. Nothing is closed; its peers only hear silence.
    /// </summary>
    public void Freeze() => SignalTree(19);

    /// <summary>SIGCONT to the process and everything under it: the machine wakes up where it stopped.</summary>
    public void Thaw() => SignalTree(18);

    private void SignalTree(int signal)
    {
        // The parent first, so that it starts no child between the listing and the signal.
        var pids = new List<int> { _process.Id };
        for (var i = 0; i < pids.Count; i++) pids.AddRange(ChildrenOf(pids[i]));
        foreach (var pid in pids) Kill(pid, signal);
    }

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks)) return [];
        var children = new List<int>();
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try { children.AddRange(File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)); }
            catch (IOException) { }
        }
        return children;
    }

    public void Dispose()
    {
        Thaw();
        KillHard();
        _process.Dispose();
    }

    // Below Linux's ephemeral range (32768-60999): a port the OS hands out for bind(0) or an outgoing connection is
    // free only until someone else's socket takes it, and a seed started a moment later then fails "address already
    // in use" (seen in CI). Ports here are never handed out by the OS, and the counter never gives one twice.
    private const int FirstPort = 20000, LastPort = 32000;
    private static int _nextPort = FirstPort + Environment.ProcessId % 400 * 25;

    public static int FreePort()
    {
        for (var tries = 0; tries < LastPort - FirstPort; tries++)
        {
            var port = FirstPort + (Interlocked.Increment(ref _nextPort) - FirstPort) % (LastPort - FirstPort);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken by something else on this machine: the next one.
            }
        }
        throw new InvalidOperationException($"no free port in {FirstPort}-{LastPort}");
    }
}
