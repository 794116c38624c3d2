using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>The reference encode itself keeps every frame timestamp, track, chapter and tag of its source.</summary>
public sealed class ReferenceEncodeTests
{
    public static TheoryData<string, string, string> Sources => new()
    {
        { nameof(TestClips.ConstantFrameRateMp4), ".mp4", "-c:v libx264 -preset ultrafast" },
        { nameof(TestClips.VariableFrameRateMp4), ".mp4", "-c:v libx264 -preset ultrafast" },
        { nameof(TestClips.OpenGopHevcMp4), ".mp4", "-c:v libx265 -preset ultrafast -x265-params log-level=error" },
        { nameof(TestClips.TenBitHevcMkv), ".mkv", "-c:v libx265 -preset ultrafast -x265-params log-level=error" },
        { nameof(TestClips.SingleKeyframeMkv), ".mkv", "-c:v libx264 -preset ultrafast" },
        { nameof(TestClips.MultiAudioWithLanguagesMkv), ".mkv", "-c:v libx264 -preset ultrafast" },
        { nameof(TestClips.AudioLongerThanVideoMp4), ".mp4", "-c:v libx264 -preset ultrafast" },
        { nameof(TestClips.AudioShorterThanVideoMp4), ".mp4", "-c:v libx264 -preset ultrafast" },
        { nameof(TestClips.AviWithPackedBFrames), ".mkv", "-c:v mpeg4 -q:v 4 -bf 2" },
        { nameof(TestClips.MkvInput), ".mkv", "-c:v libx264 -preset ultrafast" },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Reference_encode_should_be_equivalent_to_its_source(string clip, string extension, string videoOptions)
    {
        using var scratch = ScratchDirectory.Create();
        var source = await Clip(clip);

        var output = await ReferenceEncode.EncodeAsync(source, scratch.File("reference" + extension), videoOptions.Split(' '));

        await MediaComparer.AssertEquivalentAsync(source, output);
    }

    [Fact]
    public void Reference_encode_should_use_passthrough_timestamps_and_copy_other_tracks()
    {
        var arguments = ReferenceEncode.BuildArguments("in.mkv", "out.mp4", "-c:v", "libx264");

        Assert.Equal(
            ["-loglevel", "error", "-y", "-i", "in.mkv", "-map", "0", "-map_metadata", "0", "-map_chapters", "0", "-c:v", "libx264",
             "-fps_mode", "passthrough", "-enc_time_base", "-1", "-c:a", "copy", "-c:s", "mov_text", "-movflags", "+faststart", "out.mp4"],
            arguments);
        Assert.Equal("copy", ReferenceEncode.BuildArguments("in.mkv", "out.mkv")[^2]);
    }

    private static Task<string> Clip(string name) => name switch
    {
        nameof(TestClips.ConstantFrameRateMp4) => TestClips.ConstantFrameRateMp4(),
        nameof(TestClips.VariableFrameRateMp4) => TestClips.VariableFrameRateMp4(),
        nameof(TestClips.OpenGopHevcMp4) => TestClips.OpenGopHevcMp4(),
        nameof(TestClips.TenBitHevcMkv) => TestClips.TenBitHevcMkv(),
        nameof(TestClips.SingleKeyframeMkv) => TestClips.SingleKeyframeMkv(),
        nameof(TestClips.MultiAudioWithLanguagesMkv) => TestClips.MultiAudioWithLanguagesMkv(),
        nameof(TestClips.AudioLongerThanVideoMp4) => TestClips.AudioLongerThanVideoMp4(),
        nameof(TestClips.AudioShorterThanVideoMp4) => TestClips.AudioShorterThanVideoMp4(),
        nameof(TestClips.AviWithPackedBFrames) => TestClips.AviWithPackedBFrames(),
        nameof(TestClips.MkvInput) => TestClips.MkvInput(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown clip"),
    };
}
