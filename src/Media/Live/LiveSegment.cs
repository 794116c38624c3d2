namespace Flock.Media.Live;

/// <summary>One HLS media segment: its file name beside the playlist and how long it plays.</summary>
public sealed record LiveSegment(string FileName, double Seconds);
