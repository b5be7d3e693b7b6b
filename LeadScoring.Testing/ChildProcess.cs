using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace LeadScoring.Testing;

/// <summary>
/// A process a test or benchmark started (Azurite, the host), its output going to a log file so that logging costs the child,
/// not the harness. Every live child is killed when the harness exits, however it exits (Ctrl-C, exception, SIGTERM).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    private ChildProcess(string name, Process process, string logPath)
    {
        Name = name;
        Process = process;
        LogPath = logPath;
    }

    public string Name { get; }

    public Process Process { get; }

    public string LogPath { get; }

    public bool HasExited => Process.HasExited;

    /// <summary>CPU time the child has used so far (user + kernel).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            try
            {
                Process.Refresh();
                return Process.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                return TimeSpan.Zero; // exited
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="file"/> via <c>sh -c 'exec …'</c>, so the pid is the program's own (killing it stops it) and its
    /// output goes straight to <paramref name="logPath"/>. Inherited variables starting with one of
    /// <paramref name="scrubPrefixes"/> are removed before <paramref name="environment"/> is applied.
    /// </summary>
    public static ChildProcess Start(
        string name, string file, IEnumerable<string> arguments, string logPath,
        IReadOnlyDictionary<string, string?>? environment = null, IEnumerable<string>? scrubPrefixes = null)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var argument in (string[])["-c", "log=$1; shift; exec \"$@\" >\"$log\" 2>&1", "sh", logPath, file, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var prefix in scrubPrefixes ?? [])
        {
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name}: {file} could not be started.");
        Live[process.Id] = process;
        return new ChildProcess(name, process, logPath);
    }

    /// <summary>The last lines of the child's log, for error messages.</summary>
    public string Tail(int lines = 20)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    /// <summary>SIGKILL (the whole tree): no shutdown hooks run. Waits until it has exited.</summary>
    public async Task KillAsync()
    {
        Kill(Process);
        await Process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Kill(Process);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Live.TryRemove(Process.Id, out _);
        Process.Dispose();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} (pid {Process.Id})");

    private static void KillAll()
    {
        foreach (var process in Live.Values)
        {
            Kill(process);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }
}
