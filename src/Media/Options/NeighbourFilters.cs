namespace Flock.Media.Options;

/// <summary>
/// Video filters whose output frame depends on the frames around it. A chunk's decode gives them those neighbours
/// (it starts a keyframe earlier and reads a few frames past its end, and the trim comes after the filter), so every
/// frame comes out as on a single machine. Deinterlacers must keep one frame per frame: sending one per field doubles
/// the frame count, which no chunk plan can keep exact, so that is refused with its reason.
/// </summary>
public static class NeighbourFilters
{
    /// <summary>Frames a chunk's decode reads past the chunk's last frame for these filters (yadif and bwdif look one ahead).</summary>
    public const int FramesAfter = 2;

    private static readonly HashSet<string> Names = new(StringComparer.Ordinal) { "yadif", "bwdif" };

    public static bool Any(string? graph) => graph is { Length: > 0 } && Filters(graph).Any(f => Names.Contains(f.Name));

    /// <summary>Throws when a deinterlacer in <paramref name="graph"/> would send one frame per field.</summary>
    public static void CheckFrameRateKept(string graph)
    {
        foreach (var (name, args) in Filters(graph))
        {
            if (!Names.Contains(name)) continue;
            var mode = Mode(args) ?? (name == "bwdif" ? "send_field" : "send_frame");
            if (mode is "1" or "3" or "send_field" or "send_field_nospatial")
                throw new Processes.MediaException($"filter '{name}' in mode {mode} sends a frame per field and doubles the frame count, which a chunked encode cannot keep exact: use {name}=mode=send_frame");
        }
    }

    private static string? Mode(string args)
    {
        var options = args.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var option in options)
        {
            var pair = option.Split('=', 2);
            if (pair.Length == 2 && pair[0] == "mode") return pair[1];
        }
        // Unnamed, the first option is the mode.
        return options.Length > 0 && !options[0].Contains('=', StringComparison.Ordinal) ? options[0] : null;
    }

    private static IEnumerable<(string Name, string Args)> Filters(string graph)
    {
        foreach (var part in graph.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var split = part.Split('=', 2);
            var name = split[0].Trim().TrimStart('[');
            var close = name.LastIndexOf(']');
            if (close >= 0) name = name[(close + 1)..];
            yield return (name.Split('@', 2)[0].Trim(), split.Length > 1 ? split[1] : "");
        }
    }
}
