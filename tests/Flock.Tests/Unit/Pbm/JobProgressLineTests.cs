using Flock.Cli.Hosting;
using Flock.Cli.Pbm.Output;
using Flock.Messages.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Pbm;

/// <summary>
/// `flock encode` and `flock demo`'s progress line: on a terminal one line redrawn in place (a carriage return, the
/// new line, blanks over what is left of a longer old one, a newline only at the end); redirected, whole lines.
/// </summary>
public sealed class JobProgressLineTests
{
    private static JobResponse Job(string state, int encoded, double? eta) =>
        new("7", state, null, "in.mp4", "out.mp4", 0, 30, [], DateTimeOffset.UnixEpoch, null, 100, encoded,
            [new ChunkResponse(0, ChunkStates.Encoding, 1, "box1", encoded, encoded, null)], 10, eta, ElapsedSeconds: 4);

    [Fact]
    public void On_a_terminal_the_line_should_be_redrawn_in_place_and_ended_once()
    {
        var console = new BufferedConsoleOutput(isOutputTerminal: true, width: 200);
        var line = new JobProgressLine(console, indent: "  ");
        var first = Job(JobStates.Encoding, 40, 3723);
        var second = Job(JobStates.Encoding, 50, 5);

        line.Show(first);
        line.Show(second);
        line.Finish();

        var a = "  " + JobFormatter.SummaryLine(first, width: 198);
        var b = "  " + JobFormatter.SummaryLine(second, width: 198);
        Assert.True(a.Length > b.Length, "the second line should be the shorter one: " + a + " / " + b);
        Assert.Equal("\r" + a + "\r" + b + new string(' ', a.Length - b.Length) + "\n", console.OutText);
    }

    [Fact]
    public void On_a_terminal_a_line_wider_than_it_should_be_cut_not_wrapped()
    {
        var console = new BufferedConsoleOutput(isOutputTerminal: true, width: 40);
        var line = new JobProgressLine(console);

        line.Show(Job(JobStates.Encoding, 40, 30));

        var text = console.OutText;
        Assert.StartsWith("\r7 encoding [####------] 40.0%", text, StringComparison.Ordinal);
        Assert.True(text.Length - 1 < 40, $"wider than the terminal: {text.Length - 1} columns");
        Assert.DoesNotContain('\n', text);
    }

    [Fact]
    public void Redirected_the_line_should_be_written_whole_with_no_carriage_return()
    {
        var console = new BufferedConsoleOutput(isOutputTerminal: false);
        var line = new JobProgressLine(console);
        var job = Job(JobStates.Encoding, 40, 30);

        line.Show(job);
        line.Show(job with { State = JobStates.Completed, EncodedFrames = 100, EtaSeconds = 0 });
        line.Finish();

        var lines = console.OutText.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal(JobFormatter.SummaryLine(job), lines[0]);
        Assert.StartsWith("7 completed [##########]", lines[1], StringComparison.Ordinal);
        Assert.Equal("", lines[2]);
        Assert.DoesNotContain('\r', console.OutText);
    }
}
