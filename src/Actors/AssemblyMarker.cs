namespace Flock.Actors;
internal static class AssemblyMarker { }
