using System.Text.RegularExpressions;

namespace Flock.Media.Processes;

/// <summary>
/// What an encode's stderr says of its input, fed line by line: the first decode error, and whether the link the source
/// came over failed under it. A source cut short by a failed link makes the demuxer and decoder complain too (partial
/// file, a header that cannot be read); blaming the source or the keyframe decoding started from would then be wrong,
/// so such a run is the node's (or the network's) failure.
/// </summary>
public sealed partial class InputTrouble(string? encoder)
{
    /// <summary>ffmpeg's size for an answer that gave none (an error status on a reconnect): 2^64 - 1.</summary>
    private const string UnknownSize = "18446744073709551615";

    private readonly Lock _gate = new();
    private readonly HashSet<string> _endedAt = new(StringComparer.Ordinal);
    private string? _decodeError;
    private bool _lastWasShortAnswer;
    private bool _transport;

    [GeneratedRegex(@"^\[https? @ 0x[0-9a-fA-F]+\] Stream ends prematurely at (?<at>\d+), should be (?<size>\d+)$")]
    private static partial Regex ShortAnswer();

    /// <summary>Whether the link failed: an error from the network's side, or an answer cut short that reconnecting did not mend.</summary>
    public bool LinkFailed
    {
        get { lock (_gate) return _transport; }
    }

    /// <summary>The run's decode error: the first one it printed, or, for a failed run, its last line when that is one; null: none.</summary>
    public string? DecodeError(bool succeeded, string? lastErrorLine)
    {
        string? first;
        lock (_gate) first = _decodeError;
        return first ?? (!succeeded && lastErrorLine is not null && DecodeErrors.IsDecodeError(lastErrorLine, encoder) ? lastErrorLine.Trim() : null);
    }

    /// <summary>Whether the run's decode error is the source's (and the keyframe decoding started from): there was one, and the link held.</summary>
    public bool BlamesSource(bool succeeded, string? lastErrorLine) => DecodeError(succeeded, lastErrorLine) is not null && !LinkFailed;

    /// <summary>The link failed by its own account (the node's relay could not answer a read whole), whatever ffmpeg printed.</summary>
    public void LinkBroke()
    {
        lock (_gate) _transport = true;
    }

    public void Feed(string line)
    {
        var text = line.Trim();
        lock (_gate)
        {
            var shortAnswer = ShortAnswer().Match(text);
            if (shortAnswer.Success)
            {
                // The seed (and the node's relay) end an answer at the chunk's span on purpose, and ffmpeg reconnects
                // from there once. The same place again, or a reconnect answered with no size, is a link that failed.
                if (!_endedAt.Add(shortAnswer.Groups["at"].Value) || shortAnswer.Groups["size"].Value == UnknownSize) _transport = true;
                _lastWasShortAnswer = true;
                return;
            }
            if (_lastWasShortAnswer && text.StartsWith("Last message repeated", StringComparison.Ordinal)) _transport = true;
            _lastWasShortAnswer = false;
            if (DecodeErrors.IsDecodeError(text, encoder)) _decodeError ??= text;
            else if (DecodeErrors.IsTransportError(text)) _transport = true;
        }
    }
}
