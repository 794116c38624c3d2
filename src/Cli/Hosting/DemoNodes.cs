using System.Diagnostics;
using System.Globalization;

namespace Flock.Cli.Hosting;

/// <summary>
/// The demo's nodes as separate `flock node` processes, each pinned to its own core with `taskset` and encoding with
/// single-threaded x264: what N one-core machines would do, so a speedup measured on one machine means what it says.
/// (Nodes inside one process could not be pinned apart: affinity belongs to a process and its ffmpeg children.)
/// </summary>
public sealed class DemoNodes : IDisposable
{
    private readonly List<Process> _processes = [];

    private DemoNodes(string logDir) => LogDir = logDir;

    public string LogDir { get; }

    /// <param name="pinned">Each node on core i (needs taskset and as many cores as nodes); else unpinned, sharing the cores.</param>
    public static DemoNodes Start(int count, bool pinned, Uri seed, string clusterKey, string dir)
    {
        var nodes = new DemoNodes(dir);
        var threads = pinned ? 1 : Math.Max(1, Environment.ProcessorCount / count);
        for (var i = 0; i < count; i++)
        {
            var name = $"demo-{i + 1}";
            var workDir = Path.Combine(dir, name).Replace("\\", "/", StringComparison.Ordinal);
            var config = Path.Combine(dir, name + ".conf");
            File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture,
                $"flock.node {{\n  threads = {threads}\n  benchmark-seconds = 0.5\n  reconnect-min = 200ms\n  work-dir = \"{workDir}\"\n}}\n"));
            var psi = new ProcessStartInfo(pinned ? "taskset" : Environment.ProcessPath!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (pinned)
            {
                psi.ArgumentList.Add("-c");
                psi.ArgumentList.Add(i.ToString(CultureInfo.InvariantCulture));
                psi.ArgumentList.Add(Environment.ProcessPath!);
            }

            foreach (var a in new[] { typeof(DemoNodes).Assembly.Location, "node", "--seed", seed.ToString(), "--name", name, "--config", config })
                psi.ArgumentList.Add(a);
            psi.Environment["FLOCK_CLUSTER_KEY"] = clusterKey;
            psi.Environment["FLOCK_KNOWN_SEEDS"] = Path.Combine(dir, "known_seeds");
            var process = Process.Start(psi)!;
            var log = new StreamWriter(Path.Combine(dir, name + ".log")) { AutoFlush = true };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            nodes._processes.Add(process);
        }

        return nodes;
    }

    /// <summary>A node that exited on its own (it could not join): its last log line.</summary>
    public string? Failure()
    {
        var dead = _processes.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.HasExited);
        if (dead.p is null) return null;
        var log = Path.Combine(LogDir, $"demo-{dead.i + 1}.log");
        var last = File.Exists(log) ? File.ReadLines(log).LastOrDefault(l => l.Length > 0) : null;
        return $"node demo-{dead.i + 1} exited ({dead.p.ExitCode}): {last ?? "no output"}";
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit(5000);
            p.Dispose();
        }
    }
}
