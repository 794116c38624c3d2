using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;
using Flock.Messages.Chunks;
using Flock.Seed.Api;
using Flock.Seed.Jobs;
using Flock.Seed.Metrics;
using Microsoft.Win32.SafeHandles;

namespace Flock.Seed.Transfers;

/// <summary>
/// Source bytes for a node, over Akka.Remote: a range of the job's input file, cut as far as the chunk needs
/// (<see cref="SourceReads"/>), offered as a SourceRef of elements well under the remoting frame size.
/// </summary>
public static class SourceStreams
{
    /// <summary>A node that asked and never pulls (it died) frees the file after this.</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(60);

    /// <summary>Never throws: what goes wrong is the answer's <see cref="FetchSourceBytesResponse.Error"/>.</summary>
    public static async Task<FetchSourceBytesResponse> OfferAsync(FetchSourceBytes request, IActorRef jobs, IMaterializer materializer, SeedMetrics metrics)
    {
        try
        {
            if (!JobEndpoints.IsJobId(request.JobId) || request.Start < 0 || request.Last < request.Start)
                return new FetchSourceBytesResponse(0, request.Start, request.Start, null, "bad job id or range");
            var file = await jobs.Ask<JobFileResponse>(new FetchJobFile(request.JobId, JobFileKind.Source), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            if (file.Path is not { } path) return new FetchSourceBytesResponse(0, request.Start, request.Start, null, file.Error ?? "no source", NotFound: true);
            // The length of the file read, not of a symbolic link that names it (FileInfo does not follow one).
            long length;
            using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)) length = RandomAccess.GetLength(handle);
            if (request.Start >= length) return new FetchSourceBytesResponse(length, request.Start, request.Start, null, "range not satisfiable");
            var last = SourceReads.LastByteFor(request.Start, request.Last, length, request.Span);
            var bytes = Read(path, request.Start, last + 1, metrics).IdleTimeout(Idle);
            var offered = await bytes.RunWith(StreamRefs.SourceRef<ByteString>(), materializer).ConfigureAwait(false);
            metrics.SourceRead();
            return new FetchSourceBytesResponse(length, request.Start, last + 1, offered);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or AskTimeoutException)
        {
            return new FetchSourceBytesResponse(0, request.Start, request.Start, null, e.Message);
        }
    }

    /// <summary>[start, end) of the file, counted as sent element by element (what a cut-off node never pulls is not).</summary>
    private static Source<ByteString, Akka.NotUsed> Read(string path, long start, long end, SeedMetrics metrics) =>
        Source.UnfoldResourceAsync<ByteString, FileSlice>(
            () => Task.FromResult(new FileSlice(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous), start, end)),
            async slice =>
            {
                if (await slice.NextAsync().ConfigureAwait(false) is not { } element) return Option<ByteString>.None;
                metrics.SourceBytesSent(element.Count);
                return Option<ByteString>.Create(element);
            },
            slice =>
            {
                slice.Handle.Dispose();
                return Task.FromResult(Akka.Done.Instance);
            });

    private sealed class FileSlice(SafeFileHandle handle, long position, long end)
    {
        public SafeFileHandle Handle => handle;

        public async Task<ByteString?> NextAsync()
        {
            if (position >= end) return null;
            var buffer = new byte[(int)Math.Min(ChunkStreams.ElementBytes, end - position)];
            var read = await RandomAccess.ReadAsync(handle, buffer, position).ConfigureAwait(false);
            if (read == 0) return null;
            position += read;
            return ByteString.FromBytes(buffer, 0, read);
        }
    }
}
