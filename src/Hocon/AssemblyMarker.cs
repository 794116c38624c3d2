namespace Flock.Hocon;
internal static class AssemblyMarker { }
