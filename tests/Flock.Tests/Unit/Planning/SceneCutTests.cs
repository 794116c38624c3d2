using Flock.Media.Planning;
using Xunit;

namespace Flock.Tests.Unit.Planning;

/// <summary>Keyframes an encoder placed at scene changes, found from keyframe spacing, and cuts that prefer them.</summary>
public sealed class SceneCutTests
{
    [Fact]
    public void Scene_cuts_should_be_none_when_every_keyframe_is_periodic()
    {
        var timeline = Timelines.ConstantRate(frames: 1000, keyframeEvery: 50);

        Assert.Empty(SceneCuts.Find(timeline.Pts, timeline.KeyframePts));
    }

    [Fact]
    public void Scene_cuts_should_be_the_keyframes_that_come_sooner_than_the_gop()
    {
        // x264's rhythm: a keyframe every 250 frames, a scene cut at 100 restarts the count, so the next is at 350.
        var timeline = Timelines.WithKeyframesAt(1000, 0, 100, 350, 600, 730, 980);

        var found = SceneCuts.Find(timeline.Pts, timeline.KeyframePts);

        Assert.Equal(new[] { 100L, 730L }.Select(f => f * Timelines.FrameTicks).Order(), found.Order());
    }

    [Fact]
    public void Planner_should_prefer_a_scene_cut_keyframe_in_the_window_to_a_nearer_periodic_one()
    {
        // Periodic keyframes every 50 frames and a scene cut at 215 (then 265, 315, ...). The ideal 10 s cut is frame
        // 250: periodic 265 is nearer (15 frames) but scene cut 215 (35 frames) is inside the 62-frame window.
        var keys = new[] { 0, 50, 100, 150, 200, 215, 265, 315, 365, 415, 465 };
        var timeline = Timelines.WithKeyframesAt(500, keys);

        var preferring = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(10, PreferSceneCuts: true));
        var nearest = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(10, PreferSceneCuts: false));

        Assert.Equal(215 * Timelines.FrameTicks, preferring.Chunks[1].StartPts);
        Assert.Equal(265 * Timelines.FrameTicks, nearest.Chunks[1].StartPts);
        Timelines.AssertPartitions(timeline, preferring);
    }

    [Fact]
    public void Planner_should_take_the_nearest_keyframe_when_no_scene_cut_is_in_the_window()
    {
        // The scene cut at 100 is far outside the window around frame 250.
        var timeline = Timelines.WithKeyframesAt(600, 0, 100, 240, 380, 520);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(10, PreferSceneCuts: true));

        Assert.Equal(240 * Timelines.FrameTicks, plan.Chunks[1].StartPts);
    }
}
