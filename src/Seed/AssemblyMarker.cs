namespace Flock.Seed;
internal static class AssemblyMarker { }
