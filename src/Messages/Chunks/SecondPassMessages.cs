using Flock.Messages.Cluster;

namespace Flock.Messages.Chunks;

/// <summary>
/// A node's word on a two-pass chunk after its first pass, through its control session: the weight its statistics give
/// it. The seed answers with <see cref="FetchSecondPassRateResponse"/>.
/// </summary>
/// <param name="RateWanted">false: the chunk is still waiting behind another, and its first pass ran early only so that the
/// seed knows its weight before it shares the file's bits with the chunks asking now; the answer is null.</param>
/// <param name="Model">the chunk's bits as a function of the file's rate factor, from x264's statistics (null: only the weight).</param>
/// <param name="MayRunFirstPassAgain">the node runs the first pass again at the seed's word (a node that has run it again already, or an older node, says no).</param>
public sealed record FetchSecondPassRate(string JobId, int ChunkIndex, int Attempt, double Weight, bool RateWanted = true, FirstPassBits? Model = null,
    bool MayRunFirstPassAgain = false) : ControlMessage;

/// <summary>
/// A chunk's bits at rate factor rf are <c>Texture × rf^1.1 + Motion × rf^0.5 + Misc</c>: what its first pass's
/// statistics say, read as x264's second pass reads them (Flock.Media.Encoding.FirstPassModel).
/// </summary>
/// <param name="Crf">the constant rate factor the first pass ran at.</param>
/// <param name="ScaleLog2">the mean log2 of the frames' second-pass scale × rate factor over their first-pass scale (Flock.Media.Encoding.FirstPassModel.ScaleLog2).</param>
public sealed record FirstPassBits(double Texture, double Motion, double Misc, double? Crf = null, double? ScaleLog2 = null);

/// <summary>The rate the chunk's second pass aims at; null: keep the rate the assignment carried.</summary>
/// <param name="FirstPassCrf">the constant rate factor this job's first passes should run at from now on: the one whose quantisers are
/// nearest those the second passes will use (null: the default).</param>
/// <param name="RunFirstPassAgain">no rate yet: the chunk's first pass ran too far from its second pass's quantisers for its
/// statistics to say what it needs; run it again at <paramref name="FirstPassCrf"/> and ask again.</param>
public sealed record FetchSecondPassRateResponse(long? BitsPerSecond, double? FirstPassCrf = null, bool RunFirstPassAgain = false) : ControlMessage;
