namespace Flock.Messages.Jobs;

/// <summary>
/// Submit a job whose input already is on the seed's file system (pbm uploads instead: POST /api/jobs/upload with the
/// file as body and the same fields as query parameters, options in the X-Flock-Options header as a JSON array).
/// <see cref="Live"/>: publish it as HLS at /jobs/ID/live/index.m3u8 while it encodes; <see cref="KeepLive"/>: keep those files once it settles.
/// </summary>
public sealed record SubmitJobRequest(
    string InputPath,
    string? OutputPath,
    IReadOnlyList<string> Options,
    double ChunkSeconds = 30,
    int Priority = 0,
    bool Live = false,
    bool KeepLive = false);

/// <summary>Body of POST /api/jobs/{id}/priority: higher runs first.</summary>
public sealed record SetPriorityRequest(int Priority);
