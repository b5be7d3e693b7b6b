using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LeadScoring.Tests.Infrastructure;

/// <summary>
/// Azurite (the pinned npm package under node_modules) started once for the test run on free loopback ports,
/// in memory, and stopped when the run ends (<see cref="TestRunLifetime"/>). Tests use fresh table and queue
/// names, so they never see each other's data.
/// </summary>
internal static class Azurite
{
    private static readonly Lazy<Task<Instance>> Started = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Connection string for the running instance (starts it on first use).</summary>
    public static async Task<string> ConnectionStringAsync() => (await Started.Value).ConnectionString;

    /// <summary>
    /// An Azurite of the caller's own (not the run's shared one), for tests that stop storage under a running host.
    /// Dispose it to stop it; disposing twice is harmless.
    /// </summary>
    public static async Task<Instance> StartOwnAsync() => await StartAsync();

    internal static async Task StopAsync()
    {
        if (Started.IsValueCreated && Started.Value.IsCompletedSuccessfully)
        {
            await Started.Value.Result.DisposeAsync();
        }
    }

    private static async Task<Instance> StartAsync()
    {
        var root = RepositoryRoot();
        var script = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at {script}: run 'npm ci' in {root} (scripts/test.sh does).");
        }

        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());

        // On disk in a throw-away folder rather than --inMemoryPersistence: in-memory Azurite freezes for 10–30 s
        // about every 70 s while it garbage-collects queue messages (measured by the pipeline benchmark).
        var data = Directory.CreateTempSubdirectory("leadscoring-azurite-").FullName;
        var start = new ProcessStartInfo("node",
        [
            script, "--silent", "--loose", "--skipApiVersionCheck", "--disableTelemetry", "--location", data,
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
        ])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var port in new[] { blob, queue, table })
        {
            while (!await AcceptsAsync(port))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    process.Kill(entireProcessTree: true);
                    throw new InvalidOperationException($"Azurite did not start listening on 127.0.0.1:{port} (exit code {(process.HasExited ? process.ExitCode : -1)}).");
                }

                await Task.Delay(100);
            }
        }

        const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        return new Instance(process, data,
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;");
    }

    internal static string RepositoryRoot()
    {
        var built = typeof(Azurite).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (built is not null && File.Exists(Path.Combine(built, "LeadScoring.sln")))
        {
            return built;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LeadScoring.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LeadScoring.sln not found above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal sealed class Instance(Process process, string dataFolder, string connectionString) : IAsyncDisposable
    {
        public string ConnectionString { get; } = connectionString;

        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
            try
            {
                Directory.Delete(dataFolder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by the dying process: the temp folder is cleaned by the OS later.
            }
        }
    }
}
