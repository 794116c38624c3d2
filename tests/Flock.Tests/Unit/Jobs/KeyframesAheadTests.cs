using Flock.Media.Assembly;
using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>Which verified chunks' keyframes are hashed ahead of the join, and which hashes the join may trust.</summary>
public sealed class KeyframesAheadTests
{
    private static readonly FileStamp Stamp = new(1000, new DateTime(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc));

    private static KeyframeRun Run(int first, int last) =>
        new(first, last, Enumerable.Range(first, last - first + 1).Select(i => $"hash{i}").ToList(), Enumerable.Repeat(Stamp, last - first + 1).ToList());

    [Fact]
    public void Verified_chunks_should_be_hashed_once_in_runs_of_consecutive_chunks()
    {
        var ahead = KeyframesAhead.None;
        Assert.Equal([(0, 2), (4, 4), (6, 7)], ahead.Next([7, 0, 1, 2, 4, 6, 1]));

        ahead = ahead.Started();
        // Under way, finished or failed (which leaves it started): what is verified later goes to the output's
        // ffmpeg, where it costs no process of its own.
        Assert.Empty(ahead.Next([0, 1, 2]));
        Assert.Empty(ahead.Finished([Run(0, 2), Run(4, 4)]).Next([0, 1, 2, 3, 4, 5, 6]));
        Assert.Equal([(0, 2), (4, 4)], ahead.Finished([Run(0, 2), Run(4, 4)]).Hashed.Select(r => (r.First, r.Last)));
    }

    [Fact]
    public void Runs_whose_files_changed_or_that_overlap_an_earlier_run_should_be_hashed_again_by_the_join()
    {
        var changed = new HashSet<int> { 5 };
        FileStamp StampOf(int i) => changed.Contains(i) ? Stamp with { Length = 999 } : Stamp;

        var (valid, missing) = KeyframesAhead.Cover(10, [Run(0, 3), Run(2, 4), Run(4, 6), Run(8, 9), Run(9, 12)], StampOf);

        Assert.Equal([(0, 3), (8, 9)], valid.Select(r => (r.First, r.Last)));
        Assert.Equal([(4, 7)], missing);
    }

    [Fact]
    public void A_job_nothing_was_hashed_for_ahead_should_leave_every_chunk_to_the_join()
    {
        var (valid, missing) = KeyframesAhead.Cover(4, [], _ => Stamp);

        Assert.Empty(valid);
        Assert.Equal([(0, 3)], missing);
    }
}
