using System.Text.Json;
using Flock.Media.Options;
using Flock.Media.Planning;
using Flock.Media.Probing;

namespace Flock.Seed.Planning;

/// <summary>
/// A job's plan as kept in its folder: the source's streams, every frame's timestamp and the chunk split. Written
/// before JobPlanned is journalled, so a recovered job always finds it; too large for the journal itself.
/// </summary>
public sealed record JobPlanFiles(MediaInfo Source, FrameTimeline Timeline, ChunkPlan Plan, EncoderOptions Options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General) { IncludeFields = false };

    public const string FileName = "plan.json";

    /// <summary>What the user should be told about the source although it is accepted (it ends well before its declared duration).</summary>
    public string? Warning { get; init; }

    /// <summary>What of the source's HDR the output will not have (<see cref="Flock.Media.Encoding.HdrCarry.Losses"/>); null: nothing lost.</summary>
    public IReadOnlyList<string>? HdrWarnings { get; init; }

    /// <summary>The source's streams the output will not have (<see cref="Flock.Media.Assembly.StreamsLeftOut"/>); null: none.</summary>
    public IReadOnlyList<string>? StreamWarnings { get; init; }

    /// <summary>Everything the user should be told about the source and what becomes of it.</summary>
    public IReadOnlyList<string> Warnings() => [.. HdrWarnings ?? [], .. StreamWarnings ?? [], .. Warning is { } w ? [w] : Array.Empty<string>()];

    /// <summary>The first chunk, planned from the source's first seconds while the whole file is still being read.</summary>
    public const string HeadFileName = "plan-head.json";

    public async Task SaveAsync(string jobDirectory, string fileName, CancellationToken ct)
    {
        var path = Path.Combine(jobDirectory, fileName);
        var temp = path + ".tmp";
        await using (var stream = File.Create(temp))
        {
            await JsonSerializer.SerializeAsync(stream, this, Json, ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public static JobPlanFiles? LoadHead(string jobDirectory) =>
        File.Exists(Path.Combine(jobDirectory, HeadFileName)) ? Load(jobDirectory, HeadFileName) : null;

    public static JobPlanFiles Load(string jobDirectory, string fileName = FileName)
    {
        using var stream = File.OpenRead(Path.Combine(jobDirectory, fileName));
        return JsonSerializer.Deserialize<JobPlanFiles>(stream, Json) ?? throw new InvalidDataException("empty plan file");
    }
}
