using System.Net;
using System.Text;
using Xunit;

namespace Flock.Tests.Integration.Security;

/// <summary>
/// A live seed fed random and mutated requests on the upload and node endpoints (bounded and seeded): it never
/// crashes, answers each with a 4xx, and no job appears or changes.
/// </summary>
public sealed class EndpointFuzzTests
{
    private const int Rounds = 150;

    [Fact]
    public async Task Random_requests_should_neither_crash_the_seed_nor_change_any_job()
    {
        using var cluster = new TestCluster();
        var config = cluster.Scratch.File("fuzz.conf");
        await File.WriteAllTextAsync(config, "flock.seed { auth-failure-limit = 100000 }\n"); // the fuzzer is not what throttling is for
        var seed = await cluster.StartSeedAsync(configFile: config);
        var source = await Support.TestClips.ConstantFrameRateMp4();
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 2);
        // With no node the job settles (planned, waiting for work): wait until two looks a second apart agree.
        var before = await ListAsync(cluster);
        for (var settled = false; !settled;)
        {
            await Task.Delay(1000);
            var now = await ListAsync(cluster);
            settled = now == before && !now.Contains("\"planning\"", StringComparison.Ordinal);
            before = now;
        }

        var random = new Random(7001);
        var sample = (await File.ReadAllBytesAsync(source)).Take(4096).ToArray();
        using var anonymous = cluster.CreateClient(null);
        using var badToken = cluster.CreateClient("bad");
        HttpClient[] clients = [cluster.Http, anonymous, badToken];
        string[] paths = ["api/jobs/upload", $"api/jobs/{id}/chunks/0/result", "api/jobs/99999999999999999999/chunks/0/result", $"api/jobs/{id}/source",
            "api/jobs", $"api/jobs/{id}/chunks/-1/result", "api/jobs/../../etc/passwd", "api/jobs/upload%00", $"api/jobs/{id}/chunks/0/second-pass"];
        string[] names = ["x.mp4", "../../etc/passwd", "", "%00", "a/b/c.mkv", new string('n', 5000), "x.mp4\r\nX-Evil: 1", "con", ".", ".."];
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < Rounds; i++)
        {
            var path = paths[random.Next(paths.Length)];
            var query = $"?name={Uri.EscapeDataString(names[random.Next(names.Length)])}&chunkSeconds={random.Next(-5, 5000)}&priority={random.Next()}&attempt={random.Next(-3, 3)}"
                + (random.Next(3) == 0 ? "&output=" + Uri.EscapeDataString(names[random.Next(names.Length)]) : "");
            using var request = new HttpRequestMessage(random.Next(3) switch { 0 => HttpMethod.Put, 1 => HttpMethod.Post, _ => HttpMethod.Get }, path + query);
            if (request.Method != HttpMethod.Get)
            {
                var body = random.Next(2) == 0 ? ParserFuzzBytes(random, sample) : new byte[random.Next(0, 2048)];
                request.Content = new ByteArrayContent(body);
            }
            if (random.Next(2) == 0) request.Headers.TryAddWithoutValidation("X-Flock-Options", random.Next(3) switch
            {
                0 => "[\"-i\",\"/etc/passwd\"]",
                1 => Encoding.ASCII.GetString(ParserFuzzBytes(random, "[\"-crf\",\"20\"]"u8.ToArray()).Select(b => (byte)(b & 0x7f)).Where(b => b >= 32).ToArray()),
                _ => "[\"-vf\",\"movie=/etc/passwd\"]",
            });
            if (random.Next(3) == 0) request.Headers.TryAddWithoutValidation("X-Flock-Sha256", new string('a', random.Next(0, 70)));
            using var response = await clients[random.Next(clients.Length)].SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status is >= 400 and < 500 || (status == 200 && request.Method == HttpMethod.Get), $"{request.Method} {path}{query}: {status}");
        }

        Assert.False(seed.HasExited, seed.Output);
        Assert.Equal("ok", await cluster.Http.GetStringAsync("healthz"));
        Assert.Equal(before, await ListAsync(cluster));
        Assert.True(statuses.Count > 2, "the fuzzer should reach several kinds of refusal: " + string.Join(", ", statuses));
    }

    private static async Task<string> ListAsync(TestCluster cluster)
    {
        using var response = await cluster.Http.GetAsync("api/jobs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // A waiting job's clock keeps running: what the fuzzer must not change is everything else.
        var list = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        foreach (var job in list["jobs"]!.AsArray())
        {
            job!.AsObject().Remove("elapsedSeconds");
            job.AsObject().Remove("timeBreakdown");
        }
        return list.ToJsonString();
    }

    private static byte[] ParserFuzzBytes(Random random, byte[] sample) => Unit.Fuzzing.ParserFuzzTests.Mutate(random, sample);
}
