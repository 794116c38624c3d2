using System.Runtime.CompilerServices;

namespace Flock.Tests.Support;

internal static class TestEnvironment
{
    /// <summary>
    /// Tests start many seeds at once: each takes any free port for Akka.Remote instead of the default 4053, or they
    /// would fight over it. Every child process inherits this; a test that needs a fixed port sets its own.
    /// </summary>
    [ModuleInitializer]
    internal static void UseFreeRemotePorts()
    {
        if (Environment.GetEnvironmentVariable("FLOCK_SEED_REMOTE_PORT") is null) Environment.SetEnvironmentVariable("FLOCK_SEED_REMOTE_PORT", "0");
    }
}
