namespace Flock.Media;
internal static class AssemblyMarker { }
