using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Flock.Messages.Cluster;
using Flock.Node.Connection;
using Flock.Node.Options;
using Flock.Seed.Cluster;
using Flock.Seed.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flock.Cli.Hosting;

/// <summary>
/// A node's membership of the seed's Akka cluster (role encoder): enroll for a certificate, start an ActorSystem that
/// joins over mutual TLS, and when that system is downed (the seed was unreachable past stable-after) or cannot join,
/// start a fresh one with backoff: an ActorSystem joins a cluster once. The node never exits for that.
/// </summary>
public static class NodeMembership
{
    // A restarted seed must have its nodes back at work within 10 s: a backoff that doubled up to 10 s while the seed
    // was booting found it up only at the attempt after (1 + 2 + 4 s in, then 8 s later). Waits stop growing at 3 s
    // (plus up to a quarter, jittered so hundreds of nodes do not arrive at once). The first wait stays 1 s: at 0.5 s a
    // member started right after a partition healed failed to rejoin for a minute in one run of
    // ClusterTransportFaultTests (not understood; see the seed's log that test now prints).
    private static RestartBackoff NewBackoff() => new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), jitter: 0.25);

    // While the seed's address refuses connections (see NothingListening): 0.4-0.8 s, never growing.
    private static RestartBackoff NewRefusedWait() => new(TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(400), jitter: 1);

    /// <summary>
    /// A refused connection: nothing listens at the seed's address (it is restarting, or stopped). Asking again soon costs
    /// the seed nothing, so a node asks about every 0.6 s while it is refused (the jitter spreads a cluster's nodes over
    /// 0.4 s when it answers) instead of backing off to 3 s: with the backoff, a restarted seed waited on average 1.5 s,
    /// and up to 3.75 s, for each node's next try after it was up.
    /// </summary>
    public static bool NothingListening(Exception e) =>
        e is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } };

    /// <summary>A live seed welcomes a joining member within seconds, even on a loaded machine; this long means its address is dead.</summary>
    private static readonly TimeSpan WelcomeTimeout = TimeSpan.FromSeconds(15);

    /// <param name="route">opened from each member system once it is up, closed when it ends: the encoder's control link uses it.</param>
    /// <param name="memberUp">hears the member's address each time a member system is up.</param>
    public static async Task RunAsync(NodeOptions options, string name, ControlRoute route, ILoggerFactory logs, Action<string> memberUp, CancellationToken ct)
    {
        var log = logs.CreateLogger("Flock.Node.Membership");
        // Whichever of this link and the encoder's first meets the seed pins its certificate and says so.
        using var seed = SeedLink.For(options, line => log.LogInformation("{Notice}", line));
        var key = new ClusterKey(options.ClusterKey);
        var backoff = NewBackoff();
        var refused = NewRefusedWait();
        while (!ct.IsCancellationRequested)
        {
            Enrollment? enrollment;
            var tried = seed.BaseUri;
            try
            {
                enrollment = await ClusterEnrollment.EnrollAsync(seed, key, name, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (JoinRefusedException e)
            {
                // The encoder reports it and exits: asking again would only repeat it.
                route.Refuse(e.Message);
                return;
            }
            catch (Exception e) when (e is IOException or HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                // Another seed member may be up: the next attempt goes to the next address.
                if (seed.MoveOnAfter(e)) log.LogInformation("cannot enroll with the seed at {Seed}: {Error}; trying {Next} next", tried, e.Message, seed.BaseUri);
                else log.LogDebug("cannot enroll with the seed at {Seed}: {Error}", tried, e.Message);
                await (NothingListening(e) ? refused : backoff).WaitAsync(ct).ConfigureAwait(false);
                continue;
            }
            if (enrollment is null)
            {
                route.Refuse($"the seed at {seed.BaseUri} runs no cluster transport (flock.seed.cluster-transport = off): nodes cannot join it");
                return;
            }
            using (enrollment)
            {
                // With several seed members, which one answered is worth a line.
                if (seed.Addresses.Count > 1) log.LogInformation("enrolled with the seed at {Seed}; joining its member {Member}", seed.BaseUri, enrollment.SeedAddress);
                var started = DateTime.UtcNow;
                await RunOneSystemAsync(options, enrollment, PublicHost(options, seed.BaseUri), route, log, logs, memberUp, ct).ConfigureAwait(false);
                if (DateTime.UtcNow - started > TimeSpan.FromSeconds(30)) backoff.Reset();
            }
            if (ct.IsCancellationRequested) return;
            await backoff.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task RunOneSystemAsync(NodeOptions options, Enrollment enrollment, string publicHost, ControlRoute route, ILogger log, ILoggerFactory logs,
        Action<string> memberUp, CancellationToken ct)
    {
        var transport = new ClusterTransport("0.0.0.0", publicHost, options.RemotePort, enrollment.Certificate, enrollment.CheckPeer, [ClusterTransport.EncoderRole],
            enrollment.SeedAddress, enrollment.StableAfter ?? options.SeedUnreachableAfter,
            PublicPort: options.RemotePublicPort > 0 ? options.RemotePublicPort : null);
        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddSingleton(logs).AddAkka(AkkaConfiguration.SystemName, akka => akka.ConfigureFlockCommon().WithFlockCluster(transport).WithAkkaSection(options.AkkaSection)))
            .Build();
        try
        {
            await host.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning("cannot start the cluster transport: {Error}", e.Message);
            return;
        }
        var system = host.Services.GetRequiredService<ActorSystem>();
        var cluster = Akka.Cluster.Cluster.Get(system);
        // The control session needs only the seed's welcome, not Up: a member stays Joining while members killed before
        // it are still unreachable (no convergence), and its work need not wait for their downing.
        var welcomed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The seed member whose gateway the control link opens at: the one enrolled with, then whichever coordinates.
        var gateway = Address.Parse(enrollment.SeedAddress);
        _ = welcomed.Task.ContinueWith(_ => route.Open(system, ControlRoute.RemoteGateway(enrollment.SeedAddress)), TaskScheduler.Default);
        cluster.Subscribe(system.ActorOf(Props.Create(() => new SelfWelcomeWatcher(cluster.SelfAddress, welcomed))),
            ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
        cluster.RegisterOnMemberUp(() =>
        {
            log.LogInformation("cluster member up: {Address} joined {Seed}", cluster.SelfAddress, enrollment.SeedAddress);
            welcomed.TrySetResult();
            memberUp(cluster.SelfAddress.ToString());
        });
        var seedLeft = false;
        var joinStarted = DateTime.UtcNow;
        // A seed whose process died resets its connection: this member joins the next seed at once instead of waiting
        // to find it unreachable and down itself (what a partition, where nothing is reset, still goes through).
        var seedGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Address? stayedAfter = null;
        system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new SeedConnectionWatcher(() => gateway, () => seedGone)), "seed-connection"),
            typeof(Akka.Remote.DisassociatedEvent));
        try
        {
            while (!system.WhenTerminated.IsCompleted)
            {
                await Task.WhenAny(system.WhenTerminated, seedGone.Task, Task.Delay(TimeSpan.FromSeconds(1), ct)).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
                if (welcomed.Task.IsCompleted && Coordinator.Of(cluster) is { } coordinator && !coordinator.Address.Equals(gateway))
                {
                    gateway = coordinator.Address;
                    log.LogInformation("the seed member {Seed} coordinates now: control sessions open there", gateway);
                    route.Open(system, ControlRoute.RemoteGateway(gateway.ToString()));
                }
                if (seedGone.Task.IsCompleted && cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up)
                {
                    if (OtherSeedMemberUp(cluster, gateway))
                    {
                        // Another seed member takes the queue over once the lost one is downed and removed, and this
                        // member opens its control session there (above). Ending this member as well would only add one
                        // more unreachable member, each restarting the Split Brain Resolver's stable-after: with 50 nodes
                        // doing so the takeover took 42.6 s instead of about 20 (bench/scale/takeover).
                        // Remoting reports the lost connection again at each failed attempt to reach it: say so once.
                        if (!gateway.Equals(stayedAfter))
                            log.LogWarning("the coordinating seed member {Seed} closed its connection; staying in the cluster for the next one", gateway);
                        stayedAfter = gateway;
                        seedGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                    else
                    {
                        log.LogWarning("the seed's connection closed (it stopped or was killed); joining again with a fresh system");
                        seedLeft = true;
                        await EndWithoutLeavingAsync(system, cluster).ConfigureAwait(false);
                        break;
                    }
                }
                // A seed address that never answers (the seed was killed, and restarted elsewhere, between the enrollment
                // that named it and this member's join): join attempts to it would go on forever, so enroll afresh.
                if (!welcomed.Task.IsCompleted && DateTime.UtcNow - joinStarted > WelcomeTimeout)
                {
                    log.LogWarning("the seed's member at {Seed} did not welcome this member within {Timeout:0}s; enrolling again", enrollment.SeedAddress, WelcomeTimeout.TotalSeconds);
                    seedLeft = true;
                    await EndWithoutLeavingAsync(system, cluster).ConfigureAwait(false);
                    break;
                }
                // A seed that stopped gracefully left the cluster rather than being downed: the encoders would stay a
                // cluster of their own that a restarted seed never meets. Without a seed member, start afresh.
                if (cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up && !cluster.State.Members.Any(m => m.HasRole(ClusterTransport.SeedRole)))
                {
                    log.LogWarning("the seed left the cluster; joining again when it is back");
                    seedLeft = true;
                    await EndWithoutLeavingAsync(system, cluster).ConfigureAwait(false);
                }
            }
            if (!seedLeft) log.LogWarning("left the cluster (downed: the seed was unreachable, or this member was removed); joining again with a fresh system");
        }
        catch (OperationCanceledException)
        {
            // Stopping: leave, so the seed sees exiting and removed at once rather than unreachable.
            using var leaveTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await cluster.LeaveAsync(leaveTimeout.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
        }
        finally
        {
            route.Close(system);
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Another `seed` member is up and reachable besides <paramref name="gone"/>: it will coordinate next.</summary>
    private static bool OtherSeedMemberUp(Akka.Cluster.Cluster cluster, Address gone)
    {
        var state = cluster.State;
        return state.Members.Any(m => m.HasRole(ClusterTransport.SeedRole) && m.Status == Akka.Cluster.MemberStatus.Up && !m.Address.Equals(gone)
            && !state.Unreachable.Contains(m));
    }

    /// <summary>
    /// Ends a member whose seed is gone. Leaving gracefully would wait for a seed that cannot answer (until this member
    /// found it unreachable and downed itself: 6 s after a seed SIGKILL in TransferTests, long enough for the restarted
    /// seed to give this node's chunks to others); downed, its shutdown skips the leave and exiting phases.
    /// </summary>
    private static async Task EndWithoutLeavingAsync(ActorSystem system, Akka.Cluster.Cluster cluster)
    {
        cluster.Down(cluster.SelfAddress);
        await system.Terminate().ConfigureAwait(false);
    }

    /// <summary>Hears this member being welcomed into the cluster (joining, weakly up or up).</summary>
    private sealed class SelfWelcomeWatcher : ReceiveActor
    {
        public SelfWelcomeWatcher(Address self, TaskCompletionSource welcomed) =>
            Receive<ClusterEvent.IMemberEvent>(e => e.Member.Address.Equals(self)
                && e.Member.Status is Akka.Cluster.MemberStatus.Joining or Akka.Cluster.MemberStatus.WeaklyUp or Akka.Cluster.MemberStatus.Up, _ => { welcomed.TrySetResult(); });
    }

    /// <summary>Hears Akka.Remote drop its connection to the seed's member.</summary>
    private sealed class SeedConnectionWatcher : ReceiveActor
    {
        public SeedConnectionWatcher(Func<Address> seed, Func<TaskCompletionSource> gone) =>
            Receive<Akka.Remote.DisassociatedEvent>(e => e.RemoteAddress.Equals(seed()), _ => { gone().TrySetResult(); });
    }

    /// <summary>The configured host, else the local address this machine uses to reach the seed (no packet is sent).</summary>
    private static string PublicHost(NodeOptions options, Uri seed)
    {
        if (options.RemoteHost.Length > 0) return options.RemoteHost;
        try
        {
            var target = IPAddress.TryParse(seed.Host.Trim('[', ']'), out var ip) ? ip : Dns.GetHostAddresses(seed.Host).First();
            if (IPAddress.IsLoopback(target)) return target.ToString();
            using var probe = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(target, 9);
            return ((IPEndPoint)probe.LocalEndPoint!).Address.ToString();
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            return Dns.GetHostName();
        }
    }
}
