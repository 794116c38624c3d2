namespace Flock.Hocon;

/// <summary>Where a value or token came from, so errors can point at the offending line.</summary>
public sealed record HoconOrigin(string? File, int Line, int Column)
{
    public override string ToString() => File is null ? $"{Line}:{Column}" : $"{File}:{Line}:{Column}";
}
