using Flock.Media.Options;
using Xunit;

namespace Flock.Tests.Unit.Options;

/// <summary>Which options fix the keyframe interval, per encoder, as measured (see <see cref="FixedGop"/>).</summary>
public sealed class FixedGopTests
{
    private static int? Of(string options) => FixedGop.Of(EncoderOptions.Parse(options.Split(' ')));

    [Theory]
    [InlineData("-c:v libx264 -g 48 -keyint_min 48 -sc_threshold 0", 48)]
    [InlineData("-c:v libx264 -g 48 -sc_threshold 0", 48)]
    [InlineData("-c:v libx264 -x264-params keyint=48:scenecut=0", 48)]
    [InlineData("-c:v libx264 -x264-params keyint=48:no-scenecut=1", 48)]
    [InlineData("-c:v libx264 -x264opts keyint=48:no-scenecut", 48)]
    [InlineData("-c:v libx264 -g 24 -x264-params keyint=48:scenecut=0", 48)]
    [InlineData("-c:v libx265 -g 48 -keyint_min 48", 48)]
    [InlineData("-c:v libx265 -x265-params keyint=48:min-keyint=48:scenecut=0", 48)]
    [InlineData("-c:v libx265 -x265-params keyint=48:scenecut=0", 48)]
    [InlineData("-c:v libx265 -g 48 -x265-params no-scenecut=1", 48)]
    [InlineData("-c:v libvpx-vp9 -g 48", 48)]
    [InlineData("-c:v libsvtav1 -g 48", 48)]
    [InlineData("-c:v libsvtav1 -svtav1-params keyint=48", 48)]
    [InlineData("-c:v libaom-av1 -g 48 -keyint_min 48", 48)]
    [InlineData("-c:v librav1e -g:v 48 -keyint_min 48", 48)]
    public void Options_that_leave_no_keyframe_but_every_nth_should_fix_the_gop(string options, int frames) => Assert.Equal(frames, Of(options));

    [Theory]
    [InlineData("-c:v libx264 -preset medium -crf 23")]
    [InlineData("-c:v libx264 -g 48")]
    [InlineData("-c:v libx264 -g 48 -keyint_min 48")] // x264 caps min-keyint at keyint/2+1: scene cuts still get keyframes
    [InlineData("-c:v libx264 -x264-params keyint=48:min-keyint=48")]
    [InlineData("-c:v libx264 -g 48 -sc_threshold 0 -x264-params scenecut=40")] // the parameters are applied last
    [InlineData("-c:v libx264 -g 1 -sc_threshold 0")] // every frame a keyframe: nothing to align
    [InlineData("-c:v libx265 -g 48")]
    [InlineData("-c:v libx265 -g 48 -sc_threshold 0")] // ffmpeg's libx265 wrapper does not read -sc_threshold
    [InlineData("-c:v libx265 -g 48 -keyint_min 24")]
    [InlineData("-c:v libsvtav1 -g 48 -svtav1-params scd=1")]
    [InlineData("-c:v libaom-av1 -g 48")]
    [InlineData("-c:v librav1e -g 48")]
    [InlineData("-c:v libvpx-vp9 -crf 30 -b:v 0")]
    public void Options_that_let_the_encoder_place_keyframes_should_not_fix_the_gop(string options) => Assert.Null(Of(options));
}
