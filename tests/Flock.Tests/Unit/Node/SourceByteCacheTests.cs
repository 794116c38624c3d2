using Flock.Node.Connection;
using Xunit;

namespace Flock.Tests.Unit.Node;

/// <summary>What every chunk of a job reads is kept per job, bounded, and never outlives a failed read or its session.</summary>
public sealed class SourceByteCacheTests
{
    private static Task<(byte[] Bytes, long Length)?> Bytes(int count, long length = 1000) =>
        Task.FromResult<(byte[] Bytes, long Length)?>((new byte[count], length));

    [Fact]
    public void A_piece_should_be_found_by_any_position_inside_it_and_only_for_its_own_job()
    {
        var cache = new SourceByteCache(1000);
        cache.Add("1", 100, 200, Bytes(100));

        Assert.Equal(100, cache.Find("1", 100)!.Start);
        Assert.Equal(100, cache.Find("1", 199)!.Start);
        Assert.Null(cache.Find("1", 200));
        Assert.Null(cache.Find("1", 99));
        Assert.Null(cache.Find("2", 150));
        Assert.True(cache.Covers("1", 120, 200));
        Assert.False(cache.Covers("1", 120, 201));
    }

    [Fact]
    public void The_least_recently_used_piece_should_go_first_beyond_the_capacity()
    {
        var cache = new SourceByteCache(300);
        cache.Add("1", 0, 100, Bytes(100));
        cache.Add("1", 500, 600, Bytes(100));
        cache.Add("1", 900, 1000, Bytes(100));
        Assert.NotNull(cache.Find("1", 0)); // used again: now the newest

        cache.Add("2", 0, 100, Bytes(100));

        Assert.Equal(300, cache.Held);
        Assert.NotNull(cache.Find("1", 0));
        Assert.Null(cache.Find("1", 500));
        Assert.NotNull(cache.Find("1", 900));
        Assert.NotNull(cache.Find("2", 50));
    }

    [Fact]
    public void A_piece_bigger_than_the_whole_cache_should_not_be_kept()
    {
        var cache = new SourceByteCache(100);
        cache.Add("1", 0, 101, Bytes(101));
        Assert.Equal(0, cache.Held);
        Assert.Null(cache.Find("1", 0));
    }

    [Fact]
    public async Task A_read_that_fails_should_leave_nothing_behind()
    {
        var cache = new SourceByteCache(1000);
        var read = new TaskCompletionSource<(byte[] Bytes, long Length)?>();
        cache.Add("1", 0, 100, read.Task);
        Assert.NotNull(cache.Find("1", 10)); // on its way: a reader waits for it

        read.SetResult(null);
        await Task.Yield();

        Assert.Null(cache.Find("1", 10));
        Assert.Equal(0, cache.Held);
        cache.Add("1", 0, 100, Bytes(100)); // and it can be read again
        Assert.NotNull(cache.Find("1", 10));
    }

    [Fact]
    public void A_new_session_should_start_from_nothing()
    {
        var cache = new SourceByteCache(1000);
        cache.Add("1", 0, 100, Bytes(100));
        cache.Clear();
        Assert.Null(cache.Find("1", 0));
        Assert.Equal(0, cache.Held);
    }
}
