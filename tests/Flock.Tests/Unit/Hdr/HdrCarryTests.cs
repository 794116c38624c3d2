using Flock.Configuration;
using Flock.Media.Encoding;
using Flock.Media.Options;
using Flock.Media.Probing;
using Flock.Seed.Options;
using Flock.Tests.Support;
using Flock.Tests.Unit.Configuration;
using Xunit;

namespace Flock.Tests.Unit.Hdr;

/// <summary>Which HDR options Flock adds for an encoder, what the user keeps, and what a submit is warned of.</summary>
public sealed class HdrCarryTests
{
    /// <summary>ffprobe's own output for an HDR10 HEVC file written by x265 (trimmed to the entries read).</summary>
    private const string Hdr10Probe = """
        { "frames": [ { "pix_fmt": "yuv420p10le", "side_data_list": [
            { "side_data_type": "Mastering display metadata", "red_x": "34000/50000", "red_y": "16000/50000", "green_x": "13250/50000",
              "green_y": "34500/50000", "blue_x": "7500/50000", "blue_y": "3000/50000", "white_point_x": "15635/50000",
              "white_point_y": "16450/50000", "min_luminance": "50/10000", "max_luminance": "10000000/10000" },
            { "side_data_type": "Content light level metadata", "max_content": 1000, "max_average": 400 },
            { "side_data_type": "H.26[45] User Data Unregistered SEI message" } ] } ],
          "streams": [ { "pix_fmt": "yuv420p10le", "color_range": "tv", "color_space": "bt2020nc", "color_transfer": "smpte2084", "color_primaries": "bt2020" } ] }
        """;

    private static readonly HdrInfo Hdr10 = HdrProbe.Parse(Hdr10Probe);

    [Fact]
    public void Probe_should_read_the_mastering_display_light_levels_and_colour_tags()
    {
        Assert.Equal("G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50)", Hdr10.Mastering!.ToX265());
        Assert.Equal("G(0.265,0.69)B(0.15,0.06)R(0.68,0.32)WP(0.3127,0.329)L(1000,0.005)", Hdr10.Mastering.ToSvtAv1());
        Assert.Equal(new ContentLight(1000, 400), Hdr10.ContentLight);
        Assert.Equal(("bt2020", "smpte2084", "bt2020nc", "tv", 10), (Hdr10.ColorPrimaries, Hdr10.ColorTransfer, Hdr10.ColorSpace, Hdr10.ColorRange, Hdr10.BitDepth));
        Assert.False(Hdr10.DolbyVision);
    }

    [Fact]
    public void Libx265_should_get_the_metadata_in_x265_params_merged_with_the_users_own_which_win()
    {
        var options = HdrCarry.Apply(EncoderOptions.Parse(["-c:v", "libx265", "-x265-params", "log-level=error:max-cll=800,200", "-color_range", "pc"]), Hdr10);

        Assert.Equal(
            ["-c:v", "libx265", "-x265-params",
             "log-level=error:max-cll=800,200:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50):hdr10=1",
             "-color_range", "pc", "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc"],
            options.Video);
        // What a node checks before it runs ffmpeg: Flock's own additions pass the same allowlist.
        EncoderOptions.CheckVideoAssignment(options.Video, null);
    }

    [Fact]
    public void Libsvtav1_should_get_its_own_mastering_display_and_content_light_parameters()
    {
        var options = HdrCarry.Apply(EncoderOptions.Parse(["-c:v", "libsvtav1", "-preset", "12"]), Hdr10);

        Assert.Contains("mastering-display=G(0.265,0.69)B(0.15,0.06)R(0.68,0.32)WP(0.3127,0.329)L(1000,0.005):content-light=1000,400:enable-hdr=1", options.Video);
        Assert.Empty(HdrCarry.Losses(options, Hdr10));
        EncoderOptions.CheckVideoAssignment(options.Video, null);
    }

    [Fact]
    public void A_user_converting_colour_should_get_neither_the_sources_labels_nor_a_warning()
    {
        var parsed = EncoderOptions.Parse(["-c:v", "libx264", "-vf", "zscale=t=linear,tonemap=hable,zscale=t=bt709:m=bt709:p=bt709,format=yuv420p"]);

        Assert.Same(parsed, HdrCarry.Apply(parsed, Hdr10));
        Assert.Empty(HdrCarry.Losses(parsed, Hdr10));
    }

    [Fact]
    public void An_sdr_source_should_be_left_as_it_is()
    {
        var sdr = HdrProbe.Parse("""{ "frames": [ { "pix_fmt": "yuv420p" } ], "streams": [ { "pix_fmt": "yuv420p", "color_primaries": "bt709", "color_transfer": "bt709" } ] }""");
        var parsed = EncoderOptions.Parse(["-c:v", "libx265"]);

        Assert.Same(parsed, HdrCarry.Apply(parsed, sdr));
        Assert.Empty(HdrCarry.Losses(EncoderOptions.Parse(["-c:v", "libx264", "-pix_fmt", "yuv420p"]), sdr));
    }

    [Theory]
    [InlineData(new[] { "-c:v", "libx264", "-pix_fmt", "yuv420p" }, 2)]
    [InlineData(new[] { "-c:v", "libx264" }, 1)]
    [InlineData(new[] { "-c:v", "libx265", "-pix_fmt", "yuv420p" }, 1)]
    [InlineData(new[] { "-c:v", "libx265", "-vf", "scale=64:36,format=yuv420p" }, 1)]
    [InlineData(new[] { "-c:v", "libvpx", "-b:v", "1M" }, 2)]
    [InlineData(new[] { "-c:v", "libx265", "-pix_fmt", "yuv420p10le" }, 0)]
    public void What_cannot_be_carried_should_be_named(string[] options, int losses)
    {
        Assert.Equal(losses, HdrCarry.Losses(EncoderOptions.Parse(options), Hdr10).Count);
    }

    /// <summary>A UHD remux: the same metadata in the container (stream side data, as MKV's Colour gives it) and in the bitstream.</summary>
    private static readonly HdrInfo Hdr10InContainer = HdrProbe.Parse(Hdr10Probe.Replace(
        "\"streams\": [ { ",
        "\"streams\": [ { \"side_data_list\": [ { \"side_data_type\": \"Content light level metadata\", \"max_content\": 1000, \"max_average\": 400 },"
        + " { \"side_data_type\": \"Mastering display metadata\", \"red_x\": \"17/25\", \"red_y\": \"8/25\", \"green_x\": \"53/200\", \"green_y\": \"69/100\","
        + " \"blue_x\": \"3/20\", \"blue_y\": \"3/50\", \"white_point_x\": \"3127/10000\", \"white_point_y\": \"329/1000\", \"min_luminance\": \"1/200\", \"max_luminance\": \"1000/1\" } ], ",
        StringComparison.Ordinal));

    [Fact]
    public void Probe_should_tell_metadata_in_the_container_from_metadata_in_the_bitstream_only()
    {
        Assert.True(Hdr10InContainer.MasteringInContainer && Hdr10InContainer.ContentLightInContainer);
        Assert.Equal(Hdr10.Mastering!.ToX265(), Hdr10InContainer.Mastering!.ToX265());
        Assert.False(Hdr10.MasteringInContainer || Hdr10.ContentLightInContainer);
    }

    [Fact]
    public void Metadata_in_the_bitstream_only_should_be_said_to_miss_the_output_container_but_not_counted_as_lost()
    {
        var x265 = EncoderOptions.Parse(["-c:v", "libx265", "-pix_fmt", "yuv420p10le"]);
        var gap = Assert.Single(HdrCarry.ContainerNotes(x265, Hdr10));
        Assert.StartsWith("the source's HDR10 mastering display and content light level (MaxCLL/MaxFALL) metadata is in its bitstream only", gap, StringComparison.Ordinal);
        Assert.Empty(HdrCarry.Losses(x265, Hdr10));
        Assert.Empty(HdrCarry.ContainerNotes(x265, Hdr10InContainer));
        // An encoder that cannot write it loses it all, which Losses already says.
        Assert.Empty(HdrCarry.ContainerNotes(EncoderOptions.Parse(["-c:v", "libx264", "-pix_fmt", "yuv420p10le"]), Hdr10));
    }

    [Fact]
    public void Metadata_in_the_container_should_be_said_to_stay_in_the_container_only_with_an_encoder_that_cannot_write_it()
    {
        var loss = Assert.Single(HdrCarry.Losses(EncoderOptions.Parse(["-c:v", "libx264", "-pix_fmt", "yuv420p10le"]), Hdr10InContainer));
        Assert.StartsWith("the source's HDR10 mastering display and content light level (MaxCLL/MaxFALL) metadata will be in the output's container only, not its bitstream: libx264", loss, StringComparison.Ordinal);
    }

    [Fact]
    public void A_filter_converting_colour_should_be_told_the_sources_container_metadata_still_reaches_the_output_container()
    {
        var sdr = EncoderOptions.Parse(["-c:v", "libx264", "-vf", "zscale=t=linear,tonemap=hable,zscale=t=bt709:m=bt709:p=bt709,format=yuv420p"]);
        var note = Assert.Single(HdrCarry.ContainerNotes(sdr, Hdr10InContainer));
        Assert.StartsWith("the video filter converts colour, but the source's HDR10 mastering display and content light level (MaxCLL/MaxFALL) metadata is in its container", note, StringComparison.Ordinal);
        // From the bitstream only, nothing reaches the output: nothing to say.
        Assert.Empty(HdrCarry.ContainerNotes(sdr, Hdr10));
    }

    [Fact]
    public void Dolby_vision_should_be_named_as_lost_whatever_the_encoder()
    {
        var dv = HdrProbe.Parse("""
            { "frames": [ { "pix_fmt": "yuv420p10le", "side_data_list": [ { "side_data_type": "Dolby Vision RPU Data" } ] } ],
              "streams": [ { "pix_fmt": "yuv420p10le", "color_transfer": "smpte2084", "color_primaries": "bt2020",
                "side_data_list": [ { "side_data_type": "DOVI configuration record", "dv_profile": 8 } ] } ] }
            """);

        var loss = Assert.Single(HdrCarry.Losses(EncoderOptions.Parse(["-c:v", "libx265", "-pix_fmt", "yuv420p10le"]), dv));
        Assert.StartsWith("the source's Dolby Vision metadata (RPU) will be lost", loss, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_hdr_key_should_take_warn_or_strict_and_refuse_anything_else()
    {
        using var scratch = ScratchDirectory.Create();
        var strict = scratch.File("strict.conf");
        File.WriteAllText(strict, "flock.seed.hdr = strict\n");
        Assert.True(SeedConfiguration.Load(strict, ConfigFiles.NoEnvironment).HdrStrict());

        var wrong = scratch.File("wrong.conf");
        File.WriteAllText(wrong, "flock.seed.hdr = strikt\n");
        var e = Assert.Throws<ConfigException>(() => SeedConfiguration.Load(wrong, ConfigFiles.NoEnvironment));
        Assert.Equal($"{wrong}: flock.seed.hdr must be warn or strict, not 'strikt'", e.Message);
    }
}
