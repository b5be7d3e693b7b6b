namespace LeadScoring.Benchmarks.Pipeline;

/// <summary>
/// <c>--pipeline</c>: an end-to-end load harness (not BenchmarkDotNet). It starts Azurite, the HubSpot emulator and the
/// host (Release build, as a process) on loopback, then measures
/// <list type="number">
/// <item>webhook → write-back latency: an open-loop stream of signed one-event webhooks (default 50/s for 60 s, each a
/// <c>contact.propertyChange</c> of a distinct contact) posted to the host; afterwards each contact's first
/// <c>ai_lead_score</c> write time is read from the emulator (same machine clock) and compared with its send time;</item>
/// <item>the webhook endpoint's own throughput: N closed-loop clients posting signed one-event webhooks.</item>
/// </list>
/// Prints a report and writes it to a file. Targets (the issue's): p95 &lt; 2 s end to end at 50 events/s;
/// ≥ 2,000 req/s on the endpoint with p99 &lt; 50 ms. This file is the command and the order of the run; the phases are
/// in PipelineBenchmark.Phases.cs, the Azurite probe in PipelineBenchmark.StorageProbe.cs, the report in
/// PipelineReport.cs and the stack in <see cref="ProductUnderLoad"/>.
/// </summary>
internal static partial class PipelineBenchmark
{
    private const string ScoreProperty = "ai_lead_score";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var (options, error) = PipelineBenchmarkOptions.Parse(args);
        if (options is null)
        {
            return await HarnessCommand.UsageAsync("--pipeline", error, PipelineBenchmarkOptions.Usage, output);
        }

        using var stop = new StopSignals();
        try
        {
            var report = await MeasureAsync(options, args, output, stop.Token);
            await output.WriteLineAsync();
            await output.WriteLineAsync(report.Text);
            var path = options.ReportPath ?? Path.Combine(Repository.Root(), "BenchmarkDotNet.Artifacts", "results",
                $"pipeline-{DateTime.UtcNow:yyyyMMdd-HHmmss}.txt");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, report.Text, CancellationToken.None);
            await output.WriteLineAsync($"Report written to {Path.GetFullPath(path)}");
            return report.TargetsMet ? 0 : 3;
        }
        catch (OperationCanceledException) when (stop.Requested)
        {
            await Console.Error.WriteLineAsync("Cancelled; everything started was stopped.");
            return 130;
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync("--pipeline failed: " + ex.Message);
            return 1;
        }
    }

    private static async Task<(string Text, bool TargetsMet)> MeasureAsync(PipelineBenchmarkOptions options, string[] args, TextWriter log, CancellationToken cancellationToken)
    {
        var root = Repository.Root();
        var hostDll = ProductUnderLoad.HostDll(root, options.HostDll);

        var report = new PipelineReport(options, args, hostDll);
        await log.WriteLineAsync("Starting Azurite, the HubSpot emulator and the host…");
        await using var product = await ProductUnderLoad.StartStorageAsync(root, options.AzuriteOnDisk, log, cancellationToken);
        if (options.ProbeSeconds > 0)
        {
            await log.WriteLineAsync("Storage probe (the intake's three Azurite calls, no host running)…");
            report.Probe = await ProbeStorageAsync(product.StorageConnectionString, options, cancellationToken);
        }

        await product.StartEmulatorAndHostAsync(root, hostDll, options.ContactCount, options.RateLimit, log, cancellationToken);
        var contacts = await product.ContactIdsAsync(cancellationToken);
        var needed = options.WarmupEvents + options.ThroughputContacts + (options.RunLatency ? options.LatencyEvents : 0);
        if (contacts.Count < needed)
        {
            throw new InvalidOperationException($"The emulator has {contacts.Count} contacts; {needed} are needed.");
        }

        var warmup = contacts.Take(options.WarmupEvents).ToList();
        var endpointContacts = contacts.Skip(options.WarmupEvents).Take(options.ThroughputContacts).ToList();
        var latencyContacts = contacts.Skip(options.WarmupEvents + options.ThroughputContacts).Take(options.LatencyEvents).ToList();

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(options.Clients, 64),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var poster = new WebhookPoster(http, product.WebhookUri, product.EmulatorOptions.ClientSecret, product.EmulatorOptions.PortalId, product.EmulatorOptions.AppId);
        await using var queue = new QueueDepthSampler(product.StorageConnectionString, product.ScoreQueueName);

        if (warmup.Count > 0)
        {
            await log.WriteLineAsync($"Warm-up: {warmup.Count} webhooks, waiting until each contact is written back…");
            report.Warmup = await WarmUpAsync(product, poster, warmup, cancellationToken);
            await log.WriteLineAsync(report.Warmup);
        }

        if (options.RunLatency)
        {
            await log.WriteLineAsync(FormattableString.Invariant(
                $"Latency phase: {options.Rate:0.##} events/s for {options.Seconds:0.#} s ({latencyContacts.Count} events), then up to {options.DrainSeconds:0} s to drain…"));
            report.Latency = await MeasureLatencyAsync(product, poster, queue, latencyContacts, options, log, cancellationToken);
        }

        if (options.RunThroughput)
        {
            await log.WriteLineAsync(FormattableString.Invariant(
                $"Endpoint phase: {options.Clients} closed-loop clients, {options.ThroughputWarmupSeconds:0.#} s warm-up + {options.ThroughputSeconds:0.#} s measured…"));
            var forged = new WebhookPoster(http, product.WebhookUri, "not-the-client-secret", product.EmulatorOptions.PortalId, product.EmulatorOptions.AppId);
            report.Rejected = await MeasureThroughputAsync(product, forged, queue, endpointContacts, options.Clients, 1, Math.Min(5, options.ThroughputSeconds), cancellationToken);
            report.Throughput = await MeasureThroughputAsync(
                product, poster, queue, endpointContacts, options.Clients, options.ThroughputWarmupSeconds, options.ThroughputSeconds, cancellationToken);
        }

        report.Health = await product.HealthAsync(cancellationToken);
        report.HostLog = PipelineReport.HostLogSummary(product.Host.LogPath);
        report.HostExitedEarly = product.Host.HasExited;
        return (report.Render(), report.TargetsMet);
    }
}
