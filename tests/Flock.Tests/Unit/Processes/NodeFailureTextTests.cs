using Flock.Node;
using Xunit;

namespace Flock.Tests.Unit.Processes;

/// <summary>What a node logs and reports when its encode fails: ffmpeg's last error line once, not again at the end of the tail.</summary>
public sealed class NodeFailureTextTests
{
    [Fact]
    public void Failure_text_should_not_repeat_the_error_line_the_message_already_quotes()
    {
        var text = EncoderActor.FailureText("ffmpeg failed on chunk 3: /x.mp4: No such file or directory", "/x.mp4: No such file or directory\n");

        Assert.Equal("ffmpeg failed on chunk 3: /x.mp4: No such file or directory", text);
    }

    [Fact]
    public void Failure_text_should_keep_the_rest_of_the_tail_after_the_message()
    {
        var text = EncoderActor.FailureText("ffmpeg failed on chunk 0: Conversion failed!", "[libx264 @ 0x1] broken\nError while encoding\nConversion failed!");

        Assert.Equal("ffmpeg failed on chunk 0: Conversion failed!\n[libx264 @ 0x1] broken\nError while encoding", text);
    }

    [Fact]
    public void Failure_text_without_a_tail_should_be_the_message()
    {
        Assert.Equal("the node refused the assignment", EncoderActor.FailureText("the node refused the assignment", null));
    }
}
