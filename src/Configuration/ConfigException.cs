namespace Flock.Configuration;

/// <summary>
/// Every configuration problem (syntax, unset variable, unknown key, wrong type, impossible value) as one line that
/// names the file and the key, so callers catch one type and show the message to an operator as it is.
/// </summary>
public sealed class ConfigException(string message, Exception? inner = null) : Exception(message, inner);
