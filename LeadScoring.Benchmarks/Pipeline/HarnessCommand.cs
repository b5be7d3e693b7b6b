using System.Runtime.InteropServices;

namespace LeadScoring.Benchmarks.Pipeline;

/// <summary>What the load harnesses (<c>--pipeline</c>, <c>--api-budget</c>) do with a command line they do not run.</summary>
internal static class HarnessCommand
{
    /// <summary>
    /// <c>--help</c> (<paramref name="error"/> empty) prints the usage and is 0; a bad flag prints the error and the usage
    /// on stderr and is 2.
    /// </summary>
    public static async Task<int> UsageAsync(string harness, string? error, string usage, TextWriter output)
    {
        if (!string.IsNullOrEmpty(error))
        {
            await Console.Error.WriteLineAsync(harness + ": " + error);
        }

        await (string.IsNullOrEmpty(error) ? output : Console.Error).WriteLineAsync(usage);
        return string.IsNullOrEmpty(error) ? 0 : 2;
    }
}

/// <summary>
/// What the load harnesses (<c>--pipeline</c>, <c>--api-budget</c>) do with Ctrl-C, SIGTERM and SIGQUIT: stop measuring
/// (<see cref="Token"/> is cancelled, once, saying so on stderr) and let the disposals stop Azurite, the emulator and the
/// host. (The in-process emulator's own console lifetime would otherwise swallow SIGTERM and leave the harness running.)
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;

    public StopSignals() =>
        _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT }.Select(s => PosixSignalRegistration.Create(s, Stop))];

    public CancellationToken Token => _cancel.Token;

    /// <summary>Whether a signal asked the harness to stop.</summary>
    public bool Requested => _cancel.IsCancellationRequested;

    public void Dispose()
    {
        foreach (var registration in _registrations.Reverse())
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        if (!_cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine($"{context.Signal}: stopping…");
            _cancel.Cancel();
        }
    }
}
