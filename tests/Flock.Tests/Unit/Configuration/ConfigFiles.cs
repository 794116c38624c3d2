namespace Flock.Tests.Unit.Configuration;

internal static class ConfigFiles
{
    /// <summary>An environment where nothing is set, so the test does not depend on the machine it runs on.</summary>
    public static string? NoEnvironment(string name) => null;

    public static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
