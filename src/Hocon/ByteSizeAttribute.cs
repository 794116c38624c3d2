namespace Flock.Hocon;

/// <summary>
/// Marks a numeric option as a byte size (<c>64MiB</c>) when its name does not end in <c>Bytes</c>,
/// because a bare long would otherwise reject the unit suffix.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ByteSizeAttribute : Attribute;
