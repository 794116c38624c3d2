using Flock.Messages.Cluster;

namespace Flock.Messages.Chunks;

/// <summary>
/// A node's word on a two-pass chunk after its first pass, through its control session: the weight its statistics give
/// it. The seed answers with <see cref="FetchSecondPassRateResponse"/>.
/// </summary>
/// <param name="RateWanted">false: the chunk is still waiting behind another, and its first pass ran early only so that the
/// seed knows its weight before it shares the file's bits with the chunks asking now; the answer is null.</param>
/// <param name="Model">the chunk's bits as a function of the file's rate factor, from x264's statistics (null: only the weight).</param>
public sealed record FetchSecondPassRate(string JobId, int ChunkIndex, int Attempt, double Weight, bool RateWanted = true, FirstPassBits? Model = null) : ControlMessage;

/// <summary>
/// A chunk's bits at rate factor rf are <c>Texture × rf^1.1 + Motion × rf^0.5 + Misc</c>: what its first pass's
/// statistics say, read as x264's second pass reads them (Flock.Media.Encoding.FirstPassModel).
/// </summary>
public sealed record FirstPassBits(double Texture, double Motion, double Misc);

/// <summary>The rate the chunk's second pass aims at; null: keep the rate the assignment carried.</summary>
public sealed record FetchSecondPassRateResponse(long? BitsPerSecond) : ControlMessage;
