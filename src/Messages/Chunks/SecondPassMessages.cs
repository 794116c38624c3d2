using Flock.Messages.Cluster;

namespace Flock.Messages.Chunks;

/// <summary>
/// A node's word on a two-pass chunk after its first pass, through its control session: the weight its statistics give
/// it. The seed answers with <see cref="FetchSecondPassRateResponse"/>.
/// </summary>
public sealed record FetchSecondPassRate(string JobId, int ChunkIndex, int Attempt, double Weight) : ControlMessage;

/// <summary>The rate the chunk's second pass aims at; null: keep the rate the assignment carried.</summary>
public sealed record FetchSecondPassRateResponse(long? BitsPerSecond) : ControlMessage;
