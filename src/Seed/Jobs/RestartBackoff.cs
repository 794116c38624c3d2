namespace Flock.Seed.Jobs;

/// <summary>
/// How long to wait before starting again an actor that Akka.Persistence stopped (a journal write failed): 1 s, doubling
/// with each stop of the same one up to 30 s, so a journal that keeps failing is not hammered.
/// </summary>
/// <remarks>
/// Not Akka's BackoffSupervisor: it starts again a child that stops for any reason, and job and chunk actors also stop
/// on purpose (a verified chunk, a job with nothing to recover).
/// </remarks>
internal sealed class RestartBackoff<TKey> where TKey : notnull
{
    private readonly Dictionary<TKey, int> _stops = [];

    /// <summary>Counts one more stop of <paramref name="key"/> and says how long to wait before starting it again.</summary>
    public TimeSpan Next(TKey key)
    {
        var times = _stops.GetValueOrDefault(key);
        _stops[key] = times + 1;
        return TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(times, 5)));
    }
}
