namespace Flock.Messages.Chunks;

/// <summary>
/// A node's word on a two-pass chunk after its first pass: the weight its statistics give it, posted to the chunk's
/// <c>second-pass</c> address. The seed answers with <see cref="FetchSecondPassRateResponse"/>.
/// </summary>
public sealed record FetchSecondPassRate(double Weight);

/// <summary>The rate the chunk's second pass aims at; null: keep the rate the assignment carried.</summary>
public sealed record FetchSecondPassRateResponse(long? BitsPerSecond);
