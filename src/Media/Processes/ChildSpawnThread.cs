using System.Collections.Concurrent;

namespace Flock.Media.Processes;

/// <summary>
/// The one thread every child process is forked from. Linux sends the parent-death signal when the thread that forked
/// the child ends, not when the process does: a thread-pool thread retiring after it idled would SIGKILL an ffmpeg in the
/// middle of a chunk. This thread lives as long as the process, so the signal only comes when Flock itself dies.
/// </summary>
internal static class ChildSpawnThread
{
    private static readonly BlockingCollection<Action> Starts = [];

    static ChildSpawnThread()
    {
        var thread = new Thread(() =>
        {
            foreach (var start in Starts.GetConsumingEnumerable()) start();
        })
        { IsBackground = true, Name = "flock child spawner" };
        thread.Start();
    }

    /// <summary>Runs <paramref name="start"/> (which forks) on the spawner thread and hands back what it returned.</summary>
    public static Task<T> Run<T>(Func<T> start)
    {
        var started = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Starts.Add(() =>
        {
            try { started.SetResult(start()); }
            catch (Exception e) { started.SetException(e); }
        });
        return started.Task;
    }
}
