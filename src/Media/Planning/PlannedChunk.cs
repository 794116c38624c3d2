namespace Flock.Media.Planning;

/// <summary>
/// One chunk: the frames whose timestamps lie in [<see cref="StartPts"/>, <see cref="EndPts"/>) (EndPts null: to the end).
/// <see cref="FirstPts"/>/<see cref="LastPts"/> and <see cref="FrameCount"/> are what a returned chunk is checked against.
/// </summary>
public sealed record PlannedChunk(int Index, long StartPts, long? EndPts, int FrameCount, long FirstPts, long LastPts, bool StartsOnKeyframe);
