using Flock.Media.Live;
using Flock.Media.Planning;

namespace Flock.Seed.Live;

/// <summary>
/// The first <paramref name="Chunks"/> chunks of the job are verified (every one before them too): publish what is
/// new. <paramref name="Plan"/> is the plan as far as it is known (the head's chunks, then the whole), for each chunk's span.
/// </summary>
public sealed record LivePrefixVerified(int Chunks, ChunkPlan Plan);

/// <summary>
/// The job settled. Completed (<paramref name="CompletedChunks"/> set): once every chunk is published the playlist
/// ends. Unless <paramref name="Keep"/>, the live files then go, as the job's other work files do. <paramref name="Plan"/>:
/// the whole plan, for the chunks still to publish.
/// </summary>
public sealed record SettleLive(int? CompletedChunks, bool Keep, ChunkPlan? Plan);

/// <summary>To the job: the live playlist holds the first <paramref name="Chunks"/> chunks (or publishing gave up), so the chunk files may go.</summary>
public sealed record LiveCaughtUp(int Chunks);

internal sealed record LiveChunkPublished(int Index, IReadOnlyList<LiveSegment> Segments, TimeSpan Took);

internal sealed record LiveChunkFailed(int Index, string Reason);

internal sealed record LivePrepared(LiveAudio? Audio, LiveSubtitles? Subtitles);
