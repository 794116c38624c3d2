namespace Flock.Configuration;

/// <summary>Marks a number property as a byte size (`64MiB`, `10GB`), for names that do not end in "Bytes".</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ByteSizeAttribute : Attribute;
