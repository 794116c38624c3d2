namespace Flock.Node;
internal static class AssemblyMarker { }
