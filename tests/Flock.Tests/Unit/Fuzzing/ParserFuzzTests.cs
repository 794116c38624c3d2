using System.Text;
using Flock.Configuration;
using Flock.Media.Options;
using Flock.Media.Processes;
using Flock.Messages.Chunks;
using Flock.Messages.Cluster;
using Xunit;

namespace Flock.Tests.Unit.Fuzzing;

/// <summary>
/// Bounded, seeded fuzzing of what reads untrusted input: random and mutated input may only ever be refused with
/// the parser's own exception (which becomes one clear error), never crash it with anything else.
/// </summary>
public sealed class ParserFuzzTests
{
    private const int Rounds = 3000;

    private static readonly string[] ControlSamples =
    [
        """{"type":"join-cluster","protocolVersion":1,"name":"n","nodeNonce":"ab","proof":"cd","ffmpegVersion":"5","encoders":["libx264"],"cores":2,"heldResults":[]}""",
        """{"type":"heartbeat","sentAt":"2026-01-01T00:00:00Z"}""",
        """{"type":"report-chunk-failed","jobId":"1","chunkIndex":0,"attempt":1,"error":"x"}""",
        """{"type":"request-work","count":2}""",
    ];

    [Fact]
    public void Control_decoder_should_only_refuse_bad_messages_as_invalid_data()
    {
        var random = new Random(5001);
        var samples = ControlSamples.Select(Encoding.UTF8.GetBytes).Append(ControlChannelRoundTrip()).ToArray();
        var decoded = 0;
        for (var i = 0; i < Rounds; i++)
        {
            var input = i % 5 == 0 ? RandomBytes(random, random.Next(0, 200)) : Mutate(random, samples[random.Next(samples.Length)]);
            try
            {
                ControlChannel.Decode(input);
                decoded++;
            }
            catch (InvalidDataException)
            {
            }
        }
        Assert.InRange(decoded, 1, Rounds - 1); // the mutations reached both outcomes, not only one
    }

    [Fact]
    public void Configuration_reader_should_only_refuse_bad_text_with_a_configuration_error()
    {
        var random = new Random(5002);
        var sample = Encoding.UTF8.GetBytes("""
            flock {
              seed {
                urls = "https://127.0.0.1:9110"
                tls = on
                media-roots = [ "/srv/a", "/srv/b" ]
                journal { provider = sqlite }
                x = ${?HOME}
                z = ${?FLOCK_UNSET}
                y = ${flock.seed.urls}
              }
              list = [1, 2, {a = b}]
              d = 10s
              s = 64GiB
            }
            """);
        LayeredConfig.Parse(Encoding.UTF8.GetString(sample), "fuzz.conf", _ => null); // the unmutated sample is valid
        var parsed = 0;
        for (var i = 0; i < Rounds; i++)
        {
            var text = Encoding.UTF8.GetString(Mutate(random, sample));
            try
            {
                LayeredConfig.Parse(text, "fuzz.conf", name => name == "HOME" ? "/home/\"flock\"" : null);
                parsed++;
            }
            catch (ConfigException)
            {
            }
        }
        Assert.InRange(parsed, 1, Rounds - 1);
    }

    [Fact]
    public void Seed_configuration_should_only_refuse_a_bad_file_with_a_configuration_error()
    {
        // Past the parser: binding, types, units and unknown keys must refuse with the same one-line error.
        var random = new Random(5004);
        var sample = Encoding.UTF8.GetBytes("""
            akka.loglevel = INFO
            flock {
              cluster.key = ${?FLOCK_CLUSTER_KEY}
              seed {
                urls = "https://127.0.0.1:9110"
                tls = on
                media-roots = [ "/srv/a", "/srv/b" ]
                heartbeat-interval = 2s
                max-upload-size = 64GiB
                default-chunk-seconds = 12.5
                quarantine { failures = 3, window = 5m }
                journal { provider = sqlite }
              }
            }
            """);
        using var scratch = Flock.Tests.Support.ScratchDirectory.Create();
        var file = scratch.File("seed.conf");
        File.WriteAllBytes(file, sample);
        Flock.Seed.Options.SeedConfiguration.Load(file, _ => null); // the unmutated sample is valid
        var loaded = 0;
        for (var i = 0; i < Rounds / 3; i++)
        {
            File.WriteAllBytes(file, Mutate(random, sample));
            try
            {
                Flock.Seed.Options.SeedConfiguration.Load(file, name => name == "FLOCK_CLUSTER_KEY" ? "k" : null);
                loaded++;
            }
            catch (ConfigException)
            {
            }
        }
        Assert.InRange(loaded, 1, Rounds / 3 - 1);
    }

    [Fact]
    public void Encoder_option_parser_should_only_refuse_with_a_media_error_and_never_pass_a_forbidden_option()
    {
        var random = new Random(5003);
        string[] words =
        [
            "-c:v", "libx264", "-crf", "20", "-vf", "scale=64:-2", "movie=/etc/passwd", "-i", "/etc/passwd", "-filter_complex", "-x264-params",
            "qpfile=/x", "keyint=5", "-c:a", "aac", "-af", "volume=2", "amovie=x", "-attach", "-f", "tee", "-dump_attachment:t", "file:x",
            "concat:a|b", "-protocol_whitelist", "file", "-preset", "fast", "-b:v", "1M", "-map", "0", "-y", "/tmp/out.mp4", "", "-", ":", "=",
            "-c:v:0", "-c:V", "copy", "-filter:v", "lut3d=x", "[a]movie=x[b]", "'movie'", "subtitles=f", "-vf", "null", "-pix_fmt", "yuv420p",
        ];
        string[] forbidden = ["-i", "-filter_complex", "-attach", "-f", "-dump_attachment:t", "-protocol_whitelist", "-map", "-y"];
        var accepted = 0;
        for (var i = 0; i < Rounds; i++)
        {
            var options = Enumerable.Range(0, random.Next(0, 9)).Select(_ => words[random.Next(words.Length)]).ToArray();
            try
            {
                var parsed = EncoderOptions.Parse(options);
                accepted++;
                Assert.DoesNotContain(parsed.Video.Concat(parsed.Audio).Concat(parsed.Subtitle), o => forbidden.Contains(o));
                Assert.DoesNotContain("movie", parsed.VideoFilter ?? "", StringComparison.Ordinal);
                EncoderOptions.CheckVideoAssignment(parsed.Video, parsed.VideoFilter); // what the seed sends, the node accepts
            }
            catch (MediaException)
            {
            }
        }
        Assert.InRange(accepted, 1, Rounds - 1);
    }

    private static byte[] ControlChannelRoundTrip() =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes<ControlMessage>(
            new AssignChunk("1", 0, 1, "/api/jobs/1/source", 0.5, 0, 100, 0, 25, ["-c:v", "libx264"], null, 4),
            Flock.Messages.WireJson.Options);

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A few byte flips, deletions, duplications and insertions of structural characters.</summary>
    internal static byte[] Mutate(Random random, byte[] sample)
    {
        var bytes = sample.ToList();
        var structural = "{}[]\",:=${}\\\n\0 -"u8.ToArray();
        for (var n = random.Next(1, 5); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 8))); break;
                case 2: bytes.InsertRange(at, bytes.Skip(at).Take(random.Next(1, 16)).ToArray()); break;
                default: bytes.Insert(at, structural[random.Next(structural.Length)]); break;
            }
        }
        return bytes.ToArray();
    }
}
