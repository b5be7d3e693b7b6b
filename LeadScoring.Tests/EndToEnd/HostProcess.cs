using System.Diagnostics;
using LeadScoring.LocalHost;

namespace LeadScoring.Tests.EndToEnd;

/// <summary>The built host as a real OS process, so a test can kill it outright (no graceful stop) and start it again.</summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts the host with exactly these settings (nothing from the machine's environment) and waits for /api/health.</summary>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string appRoot)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(LocalFunctionsHost).Assembly.Location])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("HUBSPOT_", StringComparison.Ordinal) || name.StartsWith("LEAD_SCORE_", StringComparison.Ordinal)
                || name.StartsWith("AzureWebJobs", StringComparison.Ordinal) || name.StartsWith("ASPNETCORE_", StringComparison.Ordinal))
            {
                start.Environment.Remove(name);
            }
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["AzureWebJobsScriptRoot"] = appRoot;
        var process = Process.Start(start)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var address = new Uri(settings["urls"]!);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {process.ExitCode}: {string.Join('\n', log.TakeLast(20))}");
            }

            try
            {
                using var response = await http.GetAsync("/api/health");
                if ((int)response.StatusCode is 200 or 503)
                {
                    return new HostProcess(process, address);
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException("The host did not answer /api/health within 60 s: " + string.Join('\n', log.TakeLast(20)));
            }

            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, in-flight messages stay invisible until their visibility timeout.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
