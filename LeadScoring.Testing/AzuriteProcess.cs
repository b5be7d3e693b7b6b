using System.Globalization;

namespace LeadScoring.Testing;

/// <summary>
/// Azurite (the pinned npm package under node_modules) as a child process on three free loopback ports, its output in
/// <c>azurite.log</c> of its work folder. Dispose stops it and deletes its data (and the work folder, when it made it).
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _workFolder;
    private readonly bool _ownsWorkFolder;
    private int _disposed;

    private AzuriteProcess(ChildProcess process, string workFolder, bool ownsWorkFolder, (int Blob, int Queue, int Table) ports)
    {
        Process = process;
        _workFolder = workFolder;
        _ownsWorkFolder = ownsWorkFolder;
        Ports = ports;
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{ports.Blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{ports.Queue}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{ports.Table}/devstoreaccount1;";
    }

    public ChildProcess Process { get; }

    public (int Blob, int Queue, int Table) Ports { get; }

    public string ConnectionString { get; }

    /// <summary>Where it keeps its data when on disk (<c>azurite-data</c> in the work folder).</summary>
    public string DataFolder => Path.Combine(_workFolder, "azurite-data");

    /// <summary>
    /// Starts Azurite and waits (30 s at most) until all three services accept connections. <paramref name="workFolder"/>
    /// null: a fresh temp folder, deleted on dispose. <paramref name="onDisk"/> false: <c>--inMemoryPersistence</c>
    /// (in-memory Azurite freezes for 10–30 s about every 70 s while it garbage-collects queue messages).
    /// <paramref name="repositoryRoot"/>: the checkout whose node_modules holds Azurite (default <see cref="Repository.Root"/>).
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(
        string? workFolder = null, bool onDisk = true, string? repositoryRoot = null, CancellationToken cancellationToken = default)
    {
        var root = repositoryRoot ?? Repository.Root();
        var script = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at {script}: run 'npm ci' in {root} (scripts/test.sh does).");
        }

        var ownsWorkFolder = workFolder is null;
        workFolder ??= Directory.CreateTempSubdirectory("leadscoring-azurite-").FullName;
        var (blob, queue, table) = (Testing.Ports.Free(), Testing.Ports.Free(), Testing.Ports.Free());
        var data = Path.Combine(workFolder, "azurite-data");
        string[] persistence = onDisk ? ["--location", data] : ["--inMemoryPersistence"];
        if (onDisk)
        {
            Directory.CreateDirectory(data);
        }

        var process = ChildProcess.Start("azurite", "node",
        [
            script, "--silent", "--loose", "--skipApiVersionCheck", "--disableTelemetry", .. persistence,
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
        ], Path.Combine(workFolder, "azurite.log"));
        var azurite = new AzuriteProcess(process, workFolder, ownsWorkFolder, (blob, queue, table));
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            foreach (var port in new[] { blob, queue, table })
            {
                while (!await Testing.Ports.AcceptsAsync(port))
                {
                    if (process.HasExited || DateTime.UtcNow > deadline)
                    {
                        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                            $"Azurite did not start listening on 127.0.0.1:{port} (exit code {(process.HasExited ? process.Process.ExitCode : -1)}):\n{process.Tail()}"));
                    }

                    await Task.Delay(100, cancellationToken);
                }
            }

            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    public override string ToString() => $"azurite on 127.0.0.1:{Ports.Blob}/{Ports.Queue}/{Ports.Table} ({Process})";

    /// <summary>Stops it and deletes its data; disposing twice is harmless.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await Process.DisposeAsync();
        try
        {
            var folder = _ownsWorkFolder ? _workFolder : DataFolder;
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true); // a caller's work folder keeps the log
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still held open by the dying process: the temp folder is cleaned by the OS later.
        }
    }
}
