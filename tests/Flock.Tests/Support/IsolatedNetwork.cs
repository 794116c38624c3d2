using System.Globalization;
using Flock.Tests.Integration;

namespace Flock.Tests.Support;

/// <summary>
/// A network of its own for one process: a Linux network namespace joined to this host by a veth pair. Cutting its
/// link silences everything that process sends and receives, to the seed's web side and over Akka.Remote alike, and
/// to every other member. A proxy in front of one port cuts one path only, and cluster members dial each other at
/// the addresses they announce, which a proxy cannot stand in for.
/// </summary>
public sealed class IsolatedNetwork : IAsyncDisposable
{
    private const string Prefix = "flock-test-";
    private static readonly SemaphoreSlim Creating = new(1, 1);
    private static bool _swept;
    private readonly string _hostLink;
    private readonly string _innerLink;

    private IsolatedNetwork(int subnet)
    {
        Name = $"{Prefix}{Environment.ProcessId}-{subnet}";
        _hostLink = $"flockh{subnet}";
        _innerLink = $"flockn{subnet}";
        HostAddress = $"10.213.{subnet}.1";
        Address = $"10.213.{subnet}.2";
    }

    /// <summary>The namespace's name, for `ip netns exec`.</summary>
    public string Name { get; }

    /// <summary>This host's end of the link: where a process inside reaches servers on the host.</summary>
    public string HostAddress { get; }

    /// <summary>The isolated process's own address, as the host and other members see it.</summary>
    public string Address { get; }

    /// <exception cref="InvalidOperationException">network namespaces are not available here (they need root and iproute2).</exception>
    public static async Task<IsolatedNetwork> CreateAsync()
    {
        await Creating.WaitAsync();
        try
        {
            if (!_swept) await SweepStaleAsync();
            _swept = true;
            // A /30 of 10.213.0.0/16 that no link on this host has yet: parallel test runs must not share a route.
            var used = await IpAsync("-o", "-4", "addr", "show");
            var subnet = Enumerable.Range(1, 254).FirstOrDefault(s => !used.Contains($" 10.213.{s}.", StringComparison.Ordinal));
            if (subnet == 0) throw new InvalidOperationException("no free 10.213.x.0/30 subnet for an isolated network");
            var network = new IsolatedNetwork(subnet);
            try
            {
                await IpAsync("netns", "add", network.Name);
                await IpAsync("link", "add", network._hostLink, "type", "veth", "peer", "name", network._innerLink, "netns", network.Name);
                await IpAsync("addr", "add", $"{network.HostAddress}/30", "dev", network._hostLink);
                await IpAsync("link", "set", network._hostLink, "up");
                await IpAsync("-n", network.Name, "addr", "add", $"{network.Address}/30", "dev", network._innerLink);
                await IpAsync("-n", network.Name, "link", "set", network._innerLink, "up");
                await IpAsync("-n", network.Name, "link", "set", "lo", "up");
            }
            catch
            {
                await network.DisposeAsync();
                throw;
            }
            return network;
        }
        finally
        {
            Creating.Release();
        }
    }

    /// <summary>`flock ARGS` inside the namespace: `ip netns exec` replaces itself with it, so the process id is flock's.</summary>
    public FlockProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null) =>
        FlockProcess.Start(["netns", "exec", Name, "dotnet", FlockProcess.Dll, .. args], env, "ip");

    /// <summary>
    /// Unplugs the process's end of the link: nothing gets through in either direction and nothing is closed. Its
    /// open connections just go silent; on the host the address of <see cref="HostAddress"/> stays up for everyone else.
    /// </summary>
    public Task CutAsync() => IpAsync("-n", Name, "link", "set", _innerLink, "down");

    /// <summary>Plugs the link back in; open connections resume where TCP left them.</summary>
    public Task HealAsync() => IpAsync("-n", Name, "link", "set", _innerLink, "up");

    /// <summary>
    /// Makes the link a slow one, <paramref name="bytesPerSecond"/> each way, with a send queue that holds at most
    /// <paramref name="queue"/> of traffic (as a home uplink's buffer does): everything the process sends and receives
    /// shares it, cluster heartbeats behind chunk bytes.
    /// </summary>
    public async Task ThrottleAsync(int bytesPerSecond, TimeSpan queue)
    {
        string[] Tbf(string link) => ["qdisc", "replace", "dev", link, "root", "tbf", "rate", $"{bytesPerSecond * 8L}bit",
            "burst", $"{Math.Max(4096, bytesPerSecond / 10)}b", "latency", $"{(int)queue.TotalMilliseconds}ms"];
        await TcAsync(Tbf(_hostLink));
        await IpAsync(["netns", "exec", Name, "tc", .. Tbf(_innerLink)]);
    }

    /// <summary>Makes the link fast again.</summary>
    public async Task UnthrottleAsync()
    {
        await TcAsync(["qdisc", "del", "dev", _hostLink, "root"]);
        await IpAsync(["netns", "exec", Name, "tc", "qdisc", "del", "dev", _innerLink, "root"]);
    }

    public async ValueTask DisposeAsync()
    {
        // The veth pair goes with its namespace.
        try { await IpAsync("netns", "delete", Name); }
        catch (InvalidOperationException) { }
    }

    /// <summary>Namespaces left by a test process that died before disposing them.</summary>
    private static async Task SweepStaleAsync()
    {
        string list;
        try { list = await IpAsync("netns", "list"); }
        catch (InvalidOperationException) { return; }
        foreach (var name in list.Split('\n').Select(l => l.Split(' ')[0]).Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var owner = name[Prefix.Length..].Split('-')[0];
            if (int.TryParse(owner, CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try { await IpAsync("netns", "delete", name); }
                catch (InvalidOperationException) { }
            }
        }
    }

    private static Task<string> IpAsync(params string[] args) => RunAsync("ip", args);

    private static Task<string> TcAsync(params string[] args) => RunAsync("tc", args);

    private static async Task<string> RunAsync(string tool, string[] args)
    {
        (int ExitCode, string Stdout, string Stderr) result;
        try { result = await FlockProcess.RunAsync(args, fileName: tool); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"isolated networks need iproute2's `{tool}` (apt-get install iproute2): {e.Message}", e);
        }
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({result.ExitCode}; network namespaces need root): {result.Stderr.Trim()}");
        return result.Stdout;
    }
}
