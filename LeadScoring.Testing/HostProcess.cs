namespace LeadScoring.Testing;

/// <summary>
/// The built host (<c>dotnet LeadScoring.LocalHost.dll</c>) as a real OS process, configured by environment variables
/// only, its output in <c>host.log</c> of its app root. A test can kill it outright and start it again; a benchmark
/// can read its CPU time. Dispose kills it.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    /// <summary>Inherited variables with these prefixes are removed, so nothing of the machine's own configuration leaks in.</summary>
    private static readonly string[] Scrubbed = ["HUBSPOT_", "LEAD_SCORE_", "AzureWebJobs", "ASPNETCORE_", "HubSpot__", "urls"];

    private HostProcess(ChildProcess process, Uri address, DateTimeOffset readyAt)
    {
        Process = process;
        Address = address;
        ReadyAt = readyAt;
    }

    public ChildProcess Process { get; }

    public Uri Address { get; }

    /// <summary>When it first answered /api/health (the end of its start-up).</summary>
    public DateTimeOffset ReadyAt { get; }

    public bool HasExited => Process.HasExited;

    public string LogPath => Process.LogPath;

    /// <summary>
    /// Starts <paramref name="hostDll"/> with exactly <paramref name="settings"/> (<c>urls</c> required; <c>:</c> in a
    /// name becomes <c>__</c>) and <paramref name="appRoot"/> (holding host.json) as its script root, and waits until
    /// /api/health answers 200 or 503 (60 s at most).
    /// </summary>
    public static async Task<HostProcess> StartAsync(
        string hostDll, string appRoot, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.TryGetValue("urls", out var urls) || !Uri.TryCreate(urls, UriKind.Absolute, out var address)
            || address.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"settings: 'urls' ('{urls}') must be the absolute http address the host listens on, e.g. http://127.0.0.1:7071.", nameof(settings));
        }

        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        environment["AzureWebJobsScriptRoot"] = appRoot;
        var process = ChildProcess.Start("host", "dotnet", [hostDll], Path.Combine(appRoot, "host.log"), environment, Scrubbed);
        try
        {
            return new HostProcess(process, address, await WaitUntilHealthyAsync(process, address, cancellationToken));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, in-flight messages stay invisible until their visibility timeout.</summary>
    public Task KillAsync() => Process.KillAsync();

    public override string ToString() => $"host on {Address} ({Process}, log {LogPath})";

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static async Task<DateTimeOffset> WaitUntilHealthyAsync(ChildProcess process, Uri address, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {process.Process.ExitCode} during start-up:\n{process.Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/api/health", UriKind.Relative), cancellationToken);
                if ((int)response.StatusCode is 200 or 503)
                {
                    return DateTimeOffset.UtcNow;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The host did not answer /api/health within 60 s:\n{process.Tail()}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }
}
