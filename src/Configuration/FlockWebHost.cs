using Microsoft.AspNetCore.Builder;

namespace Flock.Configuration;

/// <summary>
/// ASP.NET Core hosts for Flock's web sides (the seed's API and dashboard, a node's loopback source relay). Flock's
/// settings come from its HOCON files, never from appsettings.json, but the default host watches for one: inotify on
/// the working directory and every folder under it, woken by every file written there (ffmpeg's output too). Run from
/// a home or repository folder, that cost CPU beside the encodes and hundreds of inotify watches per process.
/// </summary>
public static class FlockWebHost
{
    /// <summary>The slim builder, with no configuration file watched and the install folder as its content root.</summary>
    public static WebApplicationBuilder CreateSlimBuilder() => WebApplication.CreateSlimBuilder(new WebApplicationOptions
    {
        Args = ["--hostBuilder:reloadConfigOnChange=false"],
        ContentRootPath = AppContext.BaseDirectory,
    });
}
