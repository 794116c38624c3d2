using System.Collections.Concurrent;
using Flock.Messages.Chunks;

namespace Flock.Node.Encoding;

/// <summary>
/// First passes of two-pass chunks that wait in this node's reserve, run before the chunk encoding now asks its
/// second pass's rate. The seed shares the file's bits by first-pass weights; a chunk asked while few chunks are
/// weighed gets its share from guesses (the source's bytes), and the guesses are what kept two-pass from one machine's
/// quality. With each node weighing the chunk behind its own first, a job of up to twice as many chunks as nodes has
/// every chunk weighed before any second pass is asked. The statistics stay in the work directory for the chunk's own
/// encode, which then runs only its second pass.
/// </summary>
public sealed class FirstPassesAhead
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _crfs = new(StringComparer.Ordinal);
    private volatile AssignChunk[] _waiting = [];

    private sealed record Entry(Task<double?> Weight, CancellationTokenSource Cancellation);

    /// <summary>The chunks now waiting in reserve, oldest first (set by the encoder actor whenever its reserve changes).</summary>
    public IReadOnlyList<AssignChunk> Waiting
    {
        get => _waiting;
        set => _waiting = [.. value];
    }

    /// <summary>
    /// Claims <paramref name="a"/>'s first pass for <paramref name="run"/> (given a token that <see cref="Forget"/>
    /// cancels); false when it was claimed already.
    /// </summary>
    public bool TryRun(AssignChunk a, Func<CancellationToken, Task<double?>> run, out Task<double?> weight)
    {
        var cancellation = new CancellationTokenSource();
        var started = new TaskCompletionSource<double?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = new Entry(started.Task, cancellation);
        if (!_entries.TryAdd(Key(a), entry))
        {
            cancellation.Dispose();
            weight = Task.FromResult<double?>(null);
            return false;
        }
        weight = RunAsync(run, cancellation.Token, started);
        return true;
    }

    private static async Task<double?> RunAsync(Func<CancellationToken, Task<double?>> run, CancellationToken ct, TaskCompletionSource<double?> done)
    {
        try
        {
            var weight = await run(ct).ConfigureAwait(false);
            done.TrySetResult(weight);
            return weight;
        }
        catch (Exception)
        {
            // The chunk's own encode runs its first pass again and meets whatever went wrong itself.
            done.TrySetResult(null);
            return null;
        }
    }

    /// <summary>The weight of <paramref name="a"/>'s first pass run ahead (waiting for it if it is still running); null when none ran or it failed.</summary>
    public async Task<double?> WeightOfAsync(AssignChunk a, CancellationToken ct) =>
        _entries.TryGetValue(Key(a), out var entry) ? await entry.Weight.WaitAsync(ct).ConfigureAwait(false) : null;

    /// <summary>Whether <paramref name="a"/>'s first pass was claimed and not forgotten since.</summary>
    public bool Holds(AssignChunk a) => _entries.ContainsKey(Key(a));

    /// <summary>The constant rate factor the seed last said job <paramref name="jobId"/>'s first passes should run at; null: the default.</summary>
    public double? FirstPassCrf(string jobId) => _crfs.TryGetValue(jobId, out var crf) ? crf : null;

    /// <summary>Keeps what the seed's answer says about the job's first passes.</summary>
    public void Heard(string jobId, FetchSecondPassRateResponse answer)
    {
        if (answer.FirstPassCrf is { } crf && double.IsFinite(crf)) _crfs[jobId] = crf;
    }

    /// <summary>The chunk ended or left the reserve: a first pass still running for it stops, and its statistics go.</summary>
    public void Forget(AssignChunk a, string workDir)
    {
        if (_entries.TryRemove(Key(a), out var entry)) entry.Cancellation.Cancel();
        ChunkEncoder.DeleteStatistics(workDir, a);
    }

    private static string Key(AssignChunk a) => $"{a.JobId}/{a.ChunkIndex}/{a.Attempt}";
}
