using System.Diagnostics;
using Azure.Storage.Queues;

namespace LeadScoring.Benchmarks.Pipeline;

/// <summary>CPU used by the host, Azurite and this process (load generator + in-process emulator) over a span of wall time.</summary>
internal sealed record CpuUse(double Seconds, double HostCores, double AzuriteCores, double HarnessCores)
{
    public override string ToString() => FormattableString.Invariant(
        $"host {HostCores:0.00} cores, Azurite {AzuriteCores:0.00}, harness+emulator {HarnessCores:0.00} (of {Environment.ProcessorCount}) over {Seconds:0.0} s");
}

internal sealed class CpuMeter
{
    private readonly ProductUnderLoad _product;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TimeSpan _host;
    private readonly TimeSpan _azurite;
    private readonly TimeSpan _self;

    public CpuMeter(ProductUnderLoad product)
    {
        _product = product;
        (_host, _azurite, _self) = Read(product);
    }

    public CpuUse Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var (host, azurite, self) = Read(_product);
        return new CpuUse(wall, (host - _host).TotalSeconds / wall, (azurite - _azurite).TotalSeconds / wall, (self - _self).TotalSeconds / wall);
    }

    private static (TimeSpan Host, TimeSpan Azurite, TimeSpan Self) Read(ProductUnderLoad product)
    {
        using var self = Process.GetCurrentProcess();
        return (product.Host?.CpuTime ?? TimeSpan.Zero, product.Azurite?.CpuTime ?? TimeSpan.Zero, self.TotalProcessorTime);
    }
}

/// <summary>
/// Samples the approximate length of the host's score-requests queue once a second, from this process on its own
/// connection — which also makes it a watchdog of Azurite's responsiveness (each sample's round trip is kept).
/// </summary>
internal sealed class QueueDepthSampler : IAsyncDisposable
{
    private readonly QueueClient _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(DateTimeOffset At, int Depth, double Ms, string? Error)> _samples = [];
    private readonly Task _loop;

    public QueueDepthSampler(string connectionString, string queueName)
    {
        var options = new QueueClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        _queue = new QueueClient(connectionString, queueName, options);
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>-1 when the queue could not be read (the reason is kept in the samples).</summary>
    public async Task<int> DepthNowAsync(CancellationToken cancellationToken) => (await SampleAsync(cancellationToken)).Depth;

    public int MaxBetween(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate)
        {
            return _samples.Where(s => s.At >= from && s.At <= to).Select(s => s.Depth).DefaultIfEmpty(-1).Max();
        }
    }

    /// <summary>Failed or slow (over 1 s) samples between the two times: a stalled Azurite shows up here.</summary>
    public string StallsBetween(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate)
        {
            var window = _samples.Where(s => s.At >= from && s.At <= to).ToList();
            var bad = window.Where(s => s.Error is not null || s.Ms > 1000).ToList();
            if (window.Count == 0)
            {
                return "no samples";
            }

            var slowest = window.Max(s => s.Ms);
            return bad.Count == 0
                ? FormattableString.Invariant($"{window.Count} samples, slowest {slowest:0} ms, none failed")
                : FormattableString.Invariant($"{window.Count} samples, {bad.Count} failed or over 1 s (first at +{(bad[0].At - from).TotalSeconds:0.0} s: {bad[0].Error ?? $"{bad[0].Ms:0} ms"}), slowest {slowest:0} ms");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task<(int Depth, double Ms, string? Error)> SampleAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        (int, double, string?) result;
        try
        {
            result = ((await _queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is Azure.RequestFailedException or OperationCanceledException or HttpRequestException or IOException)
        {
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            result = (-1, ms, FormattableString.Invariant($"{ex.GetType().Name} after {ms:0} ms: {ex.Message.Split('\n')[0]}"));
        }

        lock (_gate)
        {
            _samples.Add((DateTimeOffset.UtcNow, result.Item1, result.Item2, result.Item3));
        }

        return result;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await SampleAsync(_stop.Token);
            await Task.Delay(1000, _stop.Token);
        }
    }
}
