using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Hosting;

/// <summary>
/// Flock's actors log through Microsoft.Extensions.Logging directly, so every line keeps its template fields (JobId,
/// ChunkIndex...) as structured state; each line is prefixed with the actor's path because with thousands of chunk
/// actors the category alone does not say which one spoke.
/// </summary>
public static class ActorLogging
{
    public static ILogger For(ILoggerFactory logs, Type actor, IActorRef self) => For(logs, actor.FullName ?? actor.Name, self);

    /// <summary>A logger of its own category, for lines a host may want to route apart from the actor's others.</summary>
    public static ILogger For(ILoggerFactory logs, string category, IActorRef self) =>
        new PathLogger(logs.CreateLogger(category), self.Path.ToStringWithoutAddress());

    private sealed class PathLogger(ILogger inner, string path) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, (s, e) => $"[{path}] {formatter(s, e)}");
    }
}
