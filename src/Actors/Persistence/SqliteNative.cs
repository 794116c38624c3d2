using System.Runtime.InteropServices;

namespace Flock.Actors.Persistence;

/// <summary>
/// Points SQLitePCLRaw's e_sqlite3 provider at Debian's system libsqlite3, because the bundled native library
/// package is not available to this build. Public so other components opening SQLite in the same process call this
/// instead of installing a second resolver (which .NET refuses).
/// </summary>
public static class SqliteNative
{
    private static readonly object s_lock = new();
    private static volatile bool s_initialized;

    public static void EnsureInitialized()
    {
        if (s_initialized)
            return;
        lock (s_lock)
        {
            if (s_initialized)
                return;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly,
                    (name, _, _) => name == "e_sqlite3" ? NativeLibrary.Load("libsqlite3.so.0") : IntPtr.Zero);
            }
            catch (InvalidOperationException)
            {
                // Someone else in this process already installed a resolver for the provider assembly; keep theirs.
            }
            SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_e_sqlite3());
            s_initialized = true;
        }
    }
}
