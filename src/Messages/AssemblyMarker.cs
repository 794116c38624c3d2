namespace Flock.Messages;
internal static class AssemblyMarker { }
