using Microsoft.Extensions.Logging;

namespace Flock.Actors;

/// <summary>Prefixes messages with the actor path: with thousands of instances of one actor type, the category alone does not say which one spoke.</summary>
internal sealed class PathLogger(ILogger inner, string path) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        inner.Log(logLevel, eventId, state, exception, (s, e) => $"[{path}] {formatter(s, e)}");
}
