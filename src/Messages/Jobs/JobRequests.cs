namespace Flock.Messages.Jobs;

/// <summary>
/// Submit a job whose input already is on the seed's file system (pbm uploads instead: POST /api/jobs/upload with the
/// file as body and the same fields as query parameters, options in the X-Flock-Options header as a JSON array).
/// </summary>
public sealed record SubmitJobRequest(
    string InputPath,
    string? OutputPath,
    IReadOnlyList<string> Options,
    double ChunkSeconds = 30,
    int Priority = 0);

/// <summary>Body of POST /api/jobs/{id}/priority: higher runs first.</summary>
public sealed record SetPriorityRequest(int Priority);
