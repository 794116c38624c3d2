using System.Globalization;

namespace Flock.Media.Processes;

/// <summary>One report from ffmpeg's `-progress pipe:1` stream (key=value lines ending with progress=continue|end).</summary>
public sealed record FfmpegProgress(int Frame, double FramesPerSecond, bool Ended);

/// <summary>Accumulates `-progress` lines; a report is complete at each `progress=` line.</summary>
public sealed class FfmpegProgressParser
{
    private int _frame;
    private double _fps;

    /// <summary>Feeds one stdout line; returns a report when the line closes one.</summary>
    public FfmpegProgress? Feed(string line)
    {
        var eq = line.IndexOf('=');
        if (eq <= 0) return null;
        var key = line.AsSpan(0, eq).Trim();
        var value = line.AsSpan(eq + 1).Trim();
        if (key.SequenceEqual("frame") && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var f)) _frame = f;
        else if (key.SequenceEqual("fps") && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var fps)) _fps = fps;
        else if (key.SequenceEqual("progress")) return new FfmpegProgress(_frame, _fps, value.SequenceEqual("end"));
        return null;
    }
}
