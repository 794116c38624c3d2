using System.Collections.Concurrent;

namespace Flock.Actors.Tests;

public sealed class ActorTests : IAsyncLifetime
{
    private readonly ActorSystem _system = ActorSystem.Create("test");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _system.TerminateAsync();

    private sealed record Work(int Id);

    private sealed class SlowRecorder(ConcurrentQueue<int> log, TestProbe done, int expected) : Actor
    {
        private int _inFlight;

        protected override async Task ReceiveAsync(object message)
        {
            if (message is not Work w)
                return;
            if (Interlocked.Increment(ref _inFlight) != 1)
                throw new InvalidOperationException("overlap");
            await Task.Delay(1);
            log.Enqueue(w.Id);
            Interlocked.Decrement(ref _inFlight);
            if (w.Id == expected)
                done.Ref.Tell("done");
        }
    }

    [Fact]
    public async Task Actor_should_process_messages_one_at_a_time_in_order()
    {
        var log = new ConcurrentQueue<int>();
        var probe = new TestProbe(_system);
        var actor = _system.ActorOf(Props.Create(() => new SlowRecorder(log, probe, 200)), "recorder");
        for (var i = 1; i <= 200; i++)
            actor.Tell(new Work(i));
        await probe.ExpectMsgAsync<string>();
        Assert.Equal(Enumerable.Range(1, 200), log);
    }

    private sealed class Echo : Actor
    {
        protected override Task ReceiveAsync(object message)
        {
            switch (message)
            {
                case "fail":
                    Sender.Tell(new Status.Failure(new InvalidOperationException("nope")));
                    break;
                case "ignore":
                    break;
                case "throw":
                    throw new InvalidOperationException("boom");
                default:
                    Sender.Tell(message);
                    break;
            }
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Ask_should_return_the_reply()
    {
        var echo = _system.ActorOf(Props.Create(() => new Echo()), "echo");
        Assert.Equal("hello", await echo.Ask<string>("hello"));
        Assert.Equal(42, await echo.Ask<int>(42));
    }

    [Fact]
    public async Task Ask_should_time_out_when_no_reply()
    {
        var echo = _system.ActorOf(Props.Create(() => new Echo()), "echo");
        await Assert.ThrowsAsync<AskTimeoutException>(() => echo.Ask<string>("ignore", TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task Ask_should_fault_when_the_reply_is_a_status_failure()
    {
        var echo = _system.ActorOf(Props.Create(() => new Echo()), "echo");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => echo.Ask<string>("fail"));
        Assert.Equal("nope", ex.Message);
    }

    private sealed class Counter(ConcurrentQueue<string> events) : Actor
    {
        private int _count;

        protected override Task PreStartAsync()
        {
            events.Enqueue("start");
            return Task.CompletedTask;
        }

        protected override void PreRestart(Exception reason) => events.Enqueue("restart:" + reason.Message);

        protected override Task PostStopAsync()
        {
            events.Enqueue("stop");
            return Task.CompletedTask;
        }

        protected override async Task ReceiveAsync(object message)
        {
            switch (message)
            {
                case "inc":
                    _count++;
                    break;
                case "throw":
                    await Task.Delay(20);
                    throw new InvalidOperationException("boom");
                case "throw-arg":
                    throw new ArgumentException("bad");
                case "get":
                    Sender.Tell(_count);
                    break;
            }
        }
    }

    [Fact]
    public async Task Failing_actor_should_be_restarted_and_keep_its_mailbox()
    {
        var events = new ConcurrentQueue<string>();
        var counter = _system.ActorOf(Props.Create(() => new Counter(events)), "counter");
        counter.Tell("inc");
        counter.Tell("inc");
        counter.Tell("throw");
        counter.Tell("inc"); // queued while the failing message runs; must survive the restart
        Assert.Equal(1, await counter.Ask<int>("get"));
        Assert.Equal(["start", "restart:boom", "start"], events);
    }

    private sealed class Parent(ConcurrentQueue<string> events) : Actor
    {
        protected override Task ReceiveAsync(object message)
        {
            if (message is "create")
                Sender.Tell(Context.ActorOf(Props.Create(() => new Counter(events)), "child"));
            return Task.CompletedTask;
        }

        public static Props PropsFor(SupervisorStrategy strategy, ConcurrentQueue<string> events) =>
            Props.Create(() => new Parent(events)).WithSupervisorStrategy(strategy);
    }

    [Fact]
    public async Task Resume_directive_should_keep_the_actor_state()
    {
        var strategy = SupervisorStrategy.OneForOne(10, TimeSpan.FromMinutes(1), _ => Directive.Resume);
        var parent = _system.ActorOf(Parent.PropsFor(strategy, new ConcurrentQueue<string>()), "parent");
        var child = await parent.Ask<ActorRef>("create");
        child.Tell("inc");
        child.Tell("throw");
        child.Tell("inc");
        Assert.Equal(2, await child.Ask<int>("get"));
    }

    [Fact]
    public async Task Stop_directive_should_stop_the_child_and_notify_watchers()
    {
        var strategy = SupervisorStrategy.OneForOne(10, TimeSpan.FromMinutes(1),
            ex => ex is ArgumentException ? Directive.Stop : Directive.Restart);
        var events = new ConcurrentQueue<string>();
        var parent = _system.ActorOf(Parent.PropsFor(strategy, events), "parent");
        var child = await parent.Ask<ActorRef>("create");
        var watcher = _system.ActorOf(Props.Create(() => new Watcher(child)), "watcher");
        await watcher.Ask<string>("ready");
        child.Tell("throw-arg");
        var terminated = await watcher.Ask<ActorRef>("await-terminated");
        Assert.Same(child, terminated);
        Assert.True(child.IsTerminated);
        Assert.Null(_system.Lookup("/user/parent/child"));
        Assert.Equal(["start", "stop"], events);
    }

    [Fact]
    public async Task Default_strategy_should_stop_an_actor_after_ten_restarts_within_a_minute()
    {
        var events = new ConcurrentQueue<string>();
        var counter = _system.ActorOf(Props.Create(() => new Counter(events)), "flaky");
        for (var i = 0; i < 11; i++)
            counter.Tell("throw-arg");
        await counter.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(10, events.Count(e => e.StartsWith("restart:", StringComparison.Ordinal)));
    }

    private sealed class EscalatingParent(ConcurrentQueue<string> events) : Actor
    {
        protected override Task PreStartAsync()
        {
            events.Enqueue("parent-start");
            Context.ActorOf(Props.Create(() => new Counter(events)), "child");
            return Task.CompletedTask;
        }

        protected override Task ReceiveAsync(object message)
        {
            Sender.Tell(Context.Child("child")!);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Escalate_directive_should_restart_the_parent_with_fresh_children()
    {
        var events = new ConcurrentQueue<string>();
        var strategy = SupervisorStrategy.OneForOne(10, TimeSpan.FromMinutes(1), _ => Directive.Escalate);
        var parent = _system.ActorOf(Props.Create(() => new EscalatingParent(events)).WithSupervisorStrategy(strategy), "parent");
        var firstChild = await parent.Ask<ActorRef>("child");
        firstChild.Tell("throw-arg");
        await firstChild.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(5));
        var secondChild = await parent.Ask<ActorRef>("child");
        Assert.NotSame(firstChild, secondChild);
        Assert.Equal(0, await secondChild.Ask<int>("get"));
        Assert.Equal(2, events.Count(e => e == "parent-start"));
    }

    private sealed class Watcher(ActorRef target) : Actor
    {
        private ActorRef? _terminated;
        private ActorRef? _waiting;

        protected override Task PreStartAsync()
        {
            Context.Watch(target);
            return Task.CompletedTask;
        }

        protected override Task ReceiveAsync(object message)
        {
            switch (message)
            {
                case "ready":
                    Sender.Tell("ready");
                    break;
                case Terminated t:
                    _terminated = t.ActorRef;
                    _waiting?.Tell(t.ActorRef);
                    break;
                case "await-terminated":
                    if (_terminated is not null)
                        Sender.Tell(_terminated);
                    else
                        _waiting = Sender;
                    break;
            }
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Watcher_should_receive_Terminated_when_the_watched_actor_stops()
    {
        var echo = _system.ActorOf(Props.Create(() => new Echo()), "echo");
        var watcher = _system.ActorOf(Props.Create(() => new Watcher(echo)), "watcher");
        await watcher.Ask<string>("ready");
        await _system.StopAsync(echo);
        Assert.Same(echo, await watcher.Ask<ActorRef>("await-terminated"));
    }

    [Fact]
    public async Task Watching_an_already_stopped_actor_should_deliver_Terminated_immediately()
    {
        var echo = _system.ActorOf(Props.Create(() => new Echo()), "echo");
        await _system.StopAsync(echo);
        var watcher = _system.ActorOf(Props.Create(() => new Watcher(echo)), "watcher");
        Assert.Same(echo, await watcher.Ask<ActorRef>("await-terminated"));
    }

    [Fact]
    public async Task Telling_a_stopped_actor_should_count_a_dead_letter()
    {
        var echo = _system.ActorOf(Props.Create(() => new Echo()), "echo");
        await _system.StopAsync(echo);
        var before = _system.DeadLetterCount;
        echo.Tell("hello");
        echo.Tell("again");
        Assert.Equal(before + 2, _system.DeadLetterCount);
    }

    [Fact]
    public async Task PoisonPill_should_stop_after_earlier_messages()
    {
        var events = new ConcurrentQueue<string>();
        var counter = _system.ActorOf(Props.Create(() => new Counter(events)), "counter");
        counter.Tell("inc");
        counter.Tell(PoisonPill.Instance);
        await counter.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["start", "stop"], events);
    }

    [Fact]
    public async Task Names_should_be_kebab_case_and_unique_among_siblings()
    {
        _system.ActorOf(Props.Create(() => new Echo()), "job-42");
        Assert.Throws<InvalidActorNameException>(() => _system.ActorOf(Props.Create(() => new Echo()), "job-42"));
        Assert.Throws<InvalidActorNameException>(() => _system.ActorOf(Props.Create(() => new Echo()), "Job42"));
        Assert.Throws<InvalidActorNameException>(() => _system.ActorOf(Props.Create(() => new Echo()), "job/42"));
        var found = _system.Lookup("/user/job-42");
        Assert.NotNull(found);
        Assert.Equal("/user/job-42", found.Path);
        Assert.Equal("job-42", found.Name);
        Assert.Equal("x", await found.Ask<string>("x"));
    }

    private sealed class Tree : Actor
    {
        protected override Task PreStartAsync()
        {
            if (Self.Path.Split('/').Length < 5)
                Context.ActorOf(Props.Create(() => new Tree()), "level-" + Self.Path.Split('/').Length);
            return Task.CompletedTask;
        }

        protected override Task ReceiveAsync(object message)
        {
            Sender.Tell(Context.Children.Select(c => c.Path).ToArray());
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Stopping_a_parent_should_stop_its_children_and_Lookup_should_find_descendants()
    {
        var root = _system.ActorOf(Props.Create(() => new Tree()), "tree");
        Assert.Equal(["/user/tree/level-3"], await root.Ask<string[]>("children"));
        var grandchild = await WaitForLookup("/user/tree/level-3/level-4");
        await _system.StopAsync(root);
        Assert.True(grandchild.IsTerminated);
        Assert.Null(_system.Lookup("/user/tree"));
    }

    private async Task<ActorRef> WaitForLookup(string path)
    {
        for (var i = 0; i < 200; i++)
        {
            if (_system.Lookup(path) is { } found)
                return found;
            await Task.Delay(10);
        }
        throw new Xunit.Sdk.XunitException("not found: " + path);
    }

    private sealed record Computed(int Value);

    private sealed record ComputeFailed(string Reason);

    private sealed class Worker(TestProbe probe, Func<CancellationToken, Task<int>> work) : Actor
    {
        protected override Task ReceiveAsync(object message)
        {
            switch (message)
            {
                case "go":
                    Context.RunTask(work, r => new Computed(r), ex => new ComputeFailed(ex.Message));
                    Sender.Tell("started"); // proves the mailbox is free while the work runs
                    break;
                default:
                    probe.Ref.Tell(message);
                    break;
            }
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task RunTask_result_should_come_back_as_a_message()
    {
        var probe = new TestProbe(_system);
        var gate = new TaskCompletionSource<int>();
        var worker = _system.ActorOf(Props.Create(() => new Worker(probe, _ => gate.Task)), "worker");
        Assert.Equal("started", await worker.Ask<string>("go"));
        worker.Tell("ping");
        Assert.Equal("ping", await probe.ExpectMsgAsync<string>());
        gate.SetResult(7);
        Assert.Equal(new Computed(7), await probe.ExpectMsgAsync<Computed>());
    }

    [Fact]
    public async Task RunTask_failure_should_come_back_as_a_message()
    {
        var probe = new TestProbe(_system);
        var worker = _system.ActorOf(Props.Create(() => new Worker(probe, _ => throw new IOException("disk"))), "worker");
        await worker.Ask<string>("go");
        Assert.Equal(new ComputeFailed("disk"), await probe.ExpectMsgAsync<ComputeFailed>());
    }

    [Fact]
    public async Task RunTask_token_should_be_cancelled_when_the_actor_stops()
    {
        var probe = new TestProbe(_system);
        var cancelled = new TaskCompletionSource();
        var worker = _system.ActorOf(Props.Create(() => new Worker(probe, async token =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            finally
            {
                cancelled.TrySetResult();
            }
            return 0;
        })), "worker");
        await worker.Ask<string>("go");
        await _system.StopAsync(worker);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private sealed class Scheduler(TestProbe probe) : Actor
    {
        private ICancelable? _repeat;

        protected override Task ReceiveAsync(object message)
        {
            switch (message)
            {
                case "once":
                    Context.ScheduleTellOnce(TimeSpan.FromMilliseconds(50), probe.Ref, "tick-once");
                    break;
                case "repeat":
                    _repeat = Context.ScheduleTellRepeatedly(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20), probe.Ref, "tick");
                    break;
                case "cancel":
                    _repeat?.Cancel();
                    Sender.Tell("cancelled");
                    break;
                case "idle":
                    Context.SetReceiveTimeout(TimeSpan.FromMilliseconds(50));
                    break;
                case ReceiveTimeout:
                    Context.SetReceiveTimeout(null);
                    probe.Ref.Tell("timeout");
                    break;
            }
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task ScheduleTellOnce_should_deliver_once_after_the_delay()
    {
        var probe = new TestProbe(_system);
        var scheduler = _system.ActorOf(Props.Create(() => new Scheduler(probe)), "scheduler");
        var started = DateTime.UtcNow;
        scheduler.Tell("once");
        Assert.Equal("tick-once", await probe.ExpectMsgAsync<string>());
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(40));
        Assert.Same(scheduler, probe.LastSender);
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public async Task ScheduleTellRepeatedly_should_repeat_until_cancelled()
    {
        var probe = new TestProbe(_system);
        var scheduler = _system.ActorOf(Props.Create(() => new Scheduler(probe)), "scheduler");
        scheduler.Tell("repeat");
        for (var i = 0; i < 3; i++)
            Assert.Equal("tick", await probe.ExpectMsgAsync<string>());
        await scheduler.Ask<string>("cancel");
        await Task.Delay(50);
        while (probe.TryDrain()) { }
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public async Task Scheduled_messages_should_stop_when_the_actor_stops()
    {
        var probe = new TestProbe(_system);
        var scheduler = _system.ActorOf(Props.Create(() => new Scheduler(probe)), "scheduler");
        scheduler.Tell("repeat");
        Assert.Equal("tick", await probe.ExpectMsgAsync<string>());
        await _system.StopAsync(scheduler);
        await Task.Delay(50);
        while (probe.TryDrain()) { }
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public async Task ReceiveTimeout_should_arrive_when_idle()
    {
        var probe = new TestProbe(_system);
        var scheduler = _system.ActorOf(Props.Create(() => new Scheduler(probe)), "scheduler");
        scheduler.Tell("idle");
        Assert.Equal("timeout", await probe.ExpectMsgAsync<string>());
    }

    private sealed class Forwarder(ActorRef target) : Actor
    {
        protected override Task ReceiveAsync(object message)
        {
            if (message is "go")
                target.Tell("from-actor"); // no explicit sender: Self must be implied
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Tell_inside_an_actor_should_use_Self_as_implicit_sender()
    {
        var probe = new TestProbe(_system);
        var forwarder = _system.ActorOf(Props.Create(() => new Forwarder(probe.Ref)), "forwarder");
        forwarder.Tell("go");
        await probe.ExpectMsgAsync<string>();
        Assert.Same(forwarder, probe.LastSender);
    }

    [Fact]
    public async Task Terminate_should_run_PostStop_of_all_actors()
    {
        var events = new ConcurrentQueue<string>();
        _system.ActorOf(Props.Create(() => new Counter(events)), "a");
        var b = _system.ActorOf(Props.Create(() => new Counter(events)), "b");
        await b.Ask<int>("get");
        await _system.TerminateAsync();
        Assert.Equal(2, events.Count(e => e == "stop"));
        Assert.True(b.IsTerminated);
    }

    [Fact]
    public void Actors_should_only_be_created_through_props()
    {
        Assert.Throws<InvalidOperationException>(() => new Echo());
    }
}

