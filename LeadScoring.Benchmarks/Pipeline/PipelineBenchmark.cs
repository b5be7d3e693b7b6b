using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Queues;

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
/// ≥ 2,000 req/s on the endpoint with p99 &lt; 50 ms.
/// </summary>
internal static partial class PipelineBenchmark
{
    private const string ScoreProperty = "ai_lead_score";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var (options, error) = PipelineBenchmarkOptions.Parse(args);
        if (options is null)
        {
            if (!string.IsNullOrEmpty(error))
            {
                await Console.Error.WriteLineAsync("--pipeline: " + error);
            }

            await (string.IsNullOrEmpty(error) ? output : Console.Error).WriteLineAsync(PipelineBenchmarkOptions.Usage);
            return string.IsNullOrEmpty(error) ? 0 : 2;
        }

        // Ctrl-C, SIGTERM, SIGQUIT: stop measuring and let the disposals stop Azurite, the emulator and the host.
        // (The in-process emulator's own console lifetime would otherwise swallow SIGTERM and leave the harness running.)
        using var cancel = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            if (!cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine($"{context.Signal}: stopping…");
                cancel.Cancel();
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);
        try
        {
            var report = await MeasureAsync(options, args, output, cancel.Token);
            await output.WriteLineAsync();
            await output.WriteLineAsync(report.Text);
            var path = options.ReportPath ?? Path.Combine(Repository.Root(), "BenchmarkDotNet.Artifacts", "results",
                $"pipeline-{DateTime.UtcNow:yyyyMMdd-HHmmss}.txt");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, report.Text, CancellationToken.None);
            await output.WriteLineAsync($"Report written to {Path.GetFullPath(path)}");
            return report.TargetsMet ? 0 : 3;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
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
        var hostDll = Path.GetFullPath(options.HostDll ?? Path.Combine(root, "LeadScoring.LocalHost", "bin", "Release", "net10.0", "LeadScoring.LocalHost.dll"));
        if (!File.Exists(hostDll))
        {
            throw new InvalidOperationException(
                $"{hostDll} does not exist: build the host first (dotnet build LeadScoring.LocalHost/LeadScoring.LocalHost.csproj -c Release), or give --host-dll.");
        }

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
        report.HostLog = HostLogSummary(product.Host.LogPath);
        report.HostExitedEarly = product.Host.HasExited;
        return (report.Render(), report.TargetsMet);
    }

    /// <summary>Scores a few contacts before measuring: JIT, connection pools and the ai_* properties are ready afterwards.</summary>
    private static async Task<string> WarmUpAsync(ProductUnderLoad product, WebhookPoster poster, List<long> contacts, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var id in contacts)
        {
            var result = await poster.PostAsync(id, readResult: true, cancellationToken);
            if (!result.Ok)
            {
                throw new InvalidOperationException($"Warm-up webhook for contact {id} got HTTP {result.Status}; host log:\n{product.Host.Tail()}");
            }

            await Task.Delay(100, cancellationToken);
        }

        var pending = contacts.ToHashSet();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (pending.Count > 0)
        {
            foreach (var id in pending.ToList())
            {
                if (await product.FirstWriteAsync(id, ScoreProperty, cancellationToken) is not null)
                {
                    pending.Remove(id);
                }
            }

            if (pending.Count == 0)
            {
                break;
            }

            if (DateTime.UtcNow > deadline || product.Host.HasExited)
            {
                throw new InvalidOperationException($"Warm-up: {pending.Count} of {contacts.Count} contacts were not written back within 120 s; host log:\n{product.Host.Tail()}");
            }

            await Task.Delay(250, cancellationToken);
        }

        return FormattableString.Invariant($"  warm-up: {contacts.Count} contacts scored and written back in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
    }

    private static async Task<LatencyResult> MeasureLatencyAsync(
        ProductUnderLoad product, WebhookPoster poster, QueueDepthSampler queue, List<long> contacts, PipelineBenchmarkOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        await product.ClearApiRequestsAsync(cancellationToken);
        var n = contacts.Count;
        var sentAt = new DateTimeOffset[n];
        var results = new PostResult[n];
        var tasks = new Task[n];
        var interval = 1.0 / options.Rate;
        var cpu = new CpuMeter(product);
        var phaseStart = DateTimeOffset.UtcNow;
        var origin = Stopwatch.GetTimestamp();
        var maxLagMs = 0.0;
        for (var i = 0; i < n; i++)
        {
            var due = i * interval;
            var wait = due - Stopwatch.GetElapsedTime(origin).TotalSeconds;
            if (wait > 0.001)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
            }

            maxLagMs = Math.Max(maxLagMs, (Stopwatch.GetElapsedTime(origin).TotalSeconds - due) * 1000);
            var index = i;
            sentAt[index] = DateTimeOffset.UtcNow;
            tasks[index] = Task.Run(async () => results[index] = await poster.PostAsync(contacts[index], readResult: true, cancellationToken), cancellationToken);
        }

        var sendSeconds = Stopwatch.GetElapsedTime(origin).TotalSeconds;
        var sendCpu = cpu.Stop();
        var maxDepthSending = queue.MaxBetween(phaseStart, DateTimeOffset.UtcNow);
        await Task.WhenAll(tasks);
        var lastSend = sentAt[^1];
        await log.WriteLineAsync(FormattableString.Invariant($"  sent {n} in {sendSeconds:0.0} s; draining…"));

        // Drain: wait for the queue to empty, then read every contact's first write; poll the stragglers until the deadline.
        var drainCpu = new CpuMeter(product);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(options.DrainSeconds);
        while (DateTimeOffset.UtcNow < deadline && await queue.DepthNowAsync(cancellationToken) != 0 && !product.Host.HasExited)
        {
            await Task.Delay(500, cancellationToken);
        }

        var writtenAt = new ConcurrentDictionary<long, DateTimeOffset>();
        var pending = contacts.ToList();
        while (true)
        {
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, token) =>
            {
                if (await product.FirstWriteAsync(id, ScoreProperty, token) is { } at)
                {
                    writtenAt[id] = at;
                }
            });
            pending = [.. pending.Where(id => !writtenAt.ContainsKey(id))];
            if (pending.Count == 0 || DateTimeOffset.UtcNow >= deadline || product.Host.HasExited)
            {
                break;
            }

            await Task.Delay(2000, cancellationToken);
        }

        var drainUse = drainCpu.Stop();
        var drainEnd = DateTimeOffset.UtcNow;
        var api = await product.ApiRequestsAsync(cancellationToken);
        // When the pipeline read each contact from HubSpot: its own GET (one-by-one reader) or else the contacts batch
        // read that preceded its write (the queue consumer runs one batch at a time: read…write, read…write).
        var singleReads = api
            .Where(r => r.Method == "GET" && r.Path.StartsWith("/crm/v3/objects/contacts/", StringComparison.Ordinal))
            .GroupBy(r => r.Path["/crm/v3/objects/contacts/".Length..])
            .ToDictionary(g => g.Key, g => g.Select(r => r.At).Order().ToList());
        var batchReads = api.Where(r => r.Method == "POST" && r.Path == "/crm/v3/objects/contacts/batch/read").Select(r => r.At).Order().ToArray();
        DateTimeOffset? ReadOf(long id, DateTimeOffset sent, DateTimeOffset written)
        {
            if (singleReads.TryGetValue(id.ToString(CultureInfo.InvariantCulture), out var gets) && gets.FirstOrDefault(t => t >= sent && t <= written) is { } get && get != default)
            {
                return get;
            }

            var i = Array.BinarySearch(batchReads, written);
            i = i >= 0 ? i : ~i - 1;
            return i >= 0 && batchReads[i] >= sent ? batchReads[i] : null;
        }

        var firstRead = new Dictionary<long, DateTimeOffset>();
        for (var i = 0; i < n; i++)
        {
            if (writtenAt.TryGetValue(contacts[i], out var written) && ReadOf(contacts[i], sentAt[i], written) is { } read)
            {
                firstRead[contacts[i]] = read;
            }
        }

        var samples = Path.Combine(product.WorkDirectory, "latency-samples.csv");
        await File.WriteAllLinesAsync(samples, ["index,contactId,sentAt,status,ackMs,firstReadAt,writtenAt", .. contacts.Select((id, i) => FormattableString.Invariant(
            $"{i},{id},{sentAt[i]:O},{results[i].Status},{results[i].Milliseconds:0.0},{(firstRead.TryGetValue(id, out var r) ? r.ToString("O") : "")},{(writtenAt.TryGetValue(id, out var a) ? a.ToString("O") : "")}"))],
            CancellationToken.None);
        var endToEnd = new List<double>();
        var pickup = new List<double>();
        var processing = new List<double>();
        for (var i = 0; i < n; i++)
        {
            if (!writtenAt.TryGetValue(contacts[i], out var at))
            {
                continue;
            }

            endToEnd.Add((at - sentAt[i]).TotalSeconds);
            if (firstRead.TryGetValue(contacts[i], out var read))
            {
                pickup.Add((read - sentAt[i]).TotalSeconds);
                processing.Add((at - read).TotalSeconds);
            }
        }

        var lastWrite = writtenAt.IsEmpty ? (DateTimeOffset?)null : writtenAt.Values.Max();
        var endpoints = api
            .Where(r => r.At >= phaseStart)
            .GroupBy(r => $"{r.Method} {IdSegment().Replace(r.Path, "/{id}")}")
            .Select(g => new EndpointUse(g.Key, g.Count(), g.Count(r => r.Status >= 400), g.Average(r => r.DurationMs), Distribution.Of(g.Select(r => r.DurationMs))!.P95))
            .OrderByDescending(e => e.Count)
            .ToList();

        return new LatencyResult(
            Sent: n,
            AchievedRate: n > 1 ? (n - 1) / (sentAt[^1] - sentAt[0]).TotalSeconds : n,
            MaxScheduleLagMs: maxLagMs,
            HttpErrors: results.Count(r => !r.Ok),
            NotEnqueued: results.Count(r => r.Ok && r.Enqueued != 1),
            Ack: Distribution.Of(results.Where(r => r.Ok).Select(r => r.Milliseconds)),
            EndToEnd: Distribution.Of(endToEnd),
            Pickup: Distribution.Of(pickup),
            Processing: Distribution.Of(processing),
            Written: writtenAt.Count,
            NeverWritten: n - writtenAt.Count,
            LastWriteAfterLastSend: lastWrite is { } lw ? (lw - lastSend).TotalSeconds : null,
            MaxQueueDepthWhileSending: maxDepthSending,
            MaxQueueDepthAfter: queue.MaxBetween(lastSend, drainEnd),
            SendCpu: sendCpu,
            DrainCpu: drainUse,
            ApiCalls: api.Count(r => r.At >= phaseStart),
            ApiLogFull: api.Count >= 50_000,
            AzuriteWatchdog: queue.StallsBetween(phaseStart, drainEnd),
            SamplesPath: samples,
            Endpoints: endpoints);
    }

    private static async Task<ThroughputResult> MeasureThroughputAsync(
        ProductUnderLoad product, WebhookPoster poster, QueueDepthSampler queue, List<long> contacts, int clientCount, double warmupSeconds, double seconds,
        CancellationToken cancellationToken)
    {
        var origin = Stopwatch.GetTimestamp();
        var measureFrom = warmupSeconds;
        var stopAt = measureFrom + seconds;
        var perClient = new List<(double Completed, PostResult Result)>[clientCount];
        CpuMeter? cpu = null;
        var cpuGate = new Lock();
        var depthBefore = await queue.DepthNowAsync(cancellationToken);
        var started = DateTimeOffset.UtcNow;

        var clients = Enumerable.Range(0, clientCount).Select(c => Task.Run(async () =>
        {
            var mine = perClient[c] = new List<(double, PostResult)>(50_000);
            var next = c;
            while (true)
            {
                var begin = Stopwatch.GetElapsedTime(origin).TotalSeconds;
                if (begin >= stopAt)
                {
                    return;
                }

                if (begin >= measureFrom && cpu is null)
                {
                    lock (cpuGate)
                    {
                        cpu ??= new CpuMeter(product);
                    }
                }

                var result = await poster.PostAsync(contacts[next++ % contacts.Count], readResult: false, cancellationToken);
                if (begin >= measureFrom)
                {
                    mine.Add((Stopwatch.GetElapsedTime(origin).TotalSeconds, result));
                }
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(clients);
        var use = cpu?.Stop();

        var all = perClient.SelectMany(c => c).ToList();
        var window = all.Count == 0 ? seconds : all.Max(r => r.Completed) - measureFrom;
        var ok = all.Where(r => r.Result.Ok).ToList();
        return new ThroughputResult(
            Requests: all.Count,
            Seconds: window,
            RequestsPerSecond: all.Count / window,
            OkPerSecond: ok.Count / window,
            Latency: Distribution.Of(all.Select(r => r.Result.Milliseconds)),
            Errors: all.Count - ok.Count,
            Unauthorized: all.Count(r => r.Result.Status == 401),
            ErrorsByStatus: string.Join(", ", all.Where(r => !r.Result.Ok).GroupBy(r => r.Result.Status).OrderBy(g => g.Key)
                .Select(g => FormattableString.Invariant($"{(g.Key == 0 ? "no answer" : g.Key)}×{g.Count()}"))),
            Cpu: use,
            QueueDepthBefore: depthBefore,
            AzuriteWatchdog: queue.StallsBetween(started, DateTimeOffset.UtcNow),
            QueueDepthAfter: await queue.DepthNowAsync(cancellationToken));
    }

    /// <summary>
    /// What the webhook intake asks of Azurite per one-event request — a table point read that misses (ledger), a queue
    /// put (score request), a table upsert (ledger) — run directly against Azurite: unloaded (1 client) and saturated.
    /// </summary>
    private static async Task<ProbeResult> ProbeStorageAsync(string connectionString, PipelineBenchmarkOptions options, CancellationToken cancellationToken)
    {
        var tableOptions = new TableClientOptions();
        tableOptions.Retry.MaxRetries = 0;
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        queueOptions.Retry.MaxRetries = 0;
        var table = new TableClient(connectionString, "pbprobe", tableOptions);
        var queue = new QueueClient(connectionString, "pbprobe", queueOptions);
        await table.CreateIfNotExistsAsync(cancellationToken);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var counter = 0L;

        async Task<(int Sequences, double Seconds, List<double> Get, List<double> Put, List<double> Upsert)> RunAsync(int clients, double seconds)
        {
            var get = new ConcurrentBag<double>();
            var put = new ConcurrentBag<double>();
            var upsert = new ConcurrentBag<double>();
            var sequences = 0;
            var origin = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (Stopwatch.GetElapsedTime(origin).TotalSeconds < seconds)
                {
                    var key = Interlocked.Increment(ref counter).ToString("x16", CultureInfo.InvariantCulture);
                    var t = Stopwatch.GetTimestamp();
                    await table.GetEntityIfExistsAsync<TableEntity>("1000001", key, ["PartitionKey"], cancellationToken);
                    get.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    t = Stopwatch.GetTimestamp();
                    await queue.SendMessageAsync("""{"kind":"Contact","objectId":"1","reason":"probe"}""", cancellationToken);
                    put.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    t = Stopwatch.GetTimestamp();
                    await table.UpsertEntityAsync(new TableEntity("1000001", key) { ["EventId"] = 1L, ["ObjectId"] = 1L }, TableUpdateMode.Replace, cancellationToken);
                    upsert.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    Interlocked.Increment(ref sequences);
                }
            }, cancellationToken)));
            return (sequences, Stopwatch.GetElapsedTime(origin).TotalSeconds, [.. get], [.. put], [.. upsert]);
        }

        await RunAsync(1, 0.5); // JIT and connections
        var single = await RunAsync(1, Math.Min(2, options.ProbeSeconds));
        var loaded = await RunAsync(options.Clients, options.ProbeSeconds);
        await table.DeleteAsync(cancellationToken);
        await queue.DeleteAsync(cancellationToken);
        return new ProbeResult(
            single.Sequences / single.Seconds, Distribution.Of(single.Get)!, Distribution.Of(single.Put)!, Distribution.Of(single.Upsert)!,
            options.Clients, loaded.Sequences / loaded.Seconds, Distribution.Of(loaded.Get)!, Distribution.Of(loaded.Put)!, Distribution.Of(loaded.Upsert)!);
    }

    /// <summary>Counts of the host log's warning/error entries, and the most frequent ones.</summary>
    private static string HostLogSummary(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            var entries = lines.Select((l, i) => (Line: l, Next: i + 1 < lines.Length ? lines[i + 1].Trim() : "")).Where(x => x.Line.StartsWith("warn:", StringComparison.Ordinal) || x.Line.StartsWith("fail:", StringComparison.Ordinal) || x.Line.StartsWith("crit:", StringComparison.Ordinal)).ToList();
            var batches = lines.Count(l => l.Contains("Webhook batch:", StringComparison.Ordinal));
            var top = entries.GroupBy(e => $"{e.Line.Trim()} {(e.Next.Length > 110 ? e.Next[..110] + "…" : e.Next)}").OrderByDescending(g => g.Count()).Take(5)
                .Select(g => FormattableString.Invariant($"    {g.Count()}× {g.Key}"));
            return FormattableString.Invariant($"{lines.Length} lines, {batches} 'Webhook batch' entries, {entries.Count} warn/fail/crit entries ({path})")
                + (entries.Count > 0 ? "\n" + string.Join('\n', top) : "");
        }
        catch (IOException ex)
        {
            return "host log unreadable: " + ex.Message;
        }
    }

    [GeneratedRegex(@"/\d+(?=/|$)")]
    private static partial Regex IdSegment();
}

internal sealed record EndpointUse(string Endpoint, int Count, int Errors, double MeanMs, double P95Ms);

internal sealed record LatencyResult(
    int Sent, double AchievedRate, double MaxScheduleLagMs, int HttpErrors, int NotEnqueued, Distribution? Ack, Distribution? EndToEnd,
    Distribution? Pickup, Distribution? Processing, int Written, int NeverWritten, double? LastWriteAfterLastSend,
    int MaxQueueDepthWhileSending, int MaxQueueDepthAfter, CpuUse SendCpu, CpuUse DrainCpu, int ApiCalls, bool ApiLogFull, string AzuriteWatchdog, string SamplesPath, List<EndpointUse> Endpoints);

internal sealed record ThroughputResult(
    int Requests, double Seconds, double RequestsPerSecond, double OkPerSecond, Distribution? Latency, int Errors, int Unauthorized, string ErrorsByStatus, CpuUse? Cpu,
    int QueueDepthBefore, string AzuriteWatchdog, int QueueDepthAfter);

internal sealed record ProbeResult(
    double SingleSequencesPerSecond, Distribution SingleGet, Distribution SinglePut, Distribution SingleUpsert,
    int Clients, double LoadedSequencesPerSecond, Distribution LoadedGet, Distribution LoadedPut, Distribution LoadedUpsert);

/// <summary>The printed (and saved) report.</summary>
internal sealed class PipelineReport(PipelineBenchmarkOptions options, string[] args, string hostDll)
{
    public const double LatencyTargetP95Seconds = 2;
    public const double ThroughputTarget = 2000;
    public const double EndpointP99TargetMs = 50;

    public ProbeResult? Probe { get; set; }

    public string? Warmup { get; set; }

    public LatencyResult? Latency { get; set; }

    public ThroughputResult? Throughput { get; set; }

    /// <summary>The same closed loop with a wrong signature: HTTP, routing and the signature check, no storage.</summary>
    public ThroughputResult? Rejected { get; set; }

    public string Health { get; set; } = "";

    public string HostLog { get; set; } = "";

    public bool HostExitedEarly { get; set; }

    public bool LatencyMet => Latency is { EndToEnd: { } e, NeverWritten: 0, HttpErrors: 0 } && e.P95 < LatencyTargetP95Seconds;

    public bool ThroughputMet => Throughput is { Latency: { } l, Errors: 0 } t && t.RequestsPerSecond >= ThroughputTarget && l.P99 < EndpointP99TargetMs;

    public bool TargetsMet => (Latency is null || LatencyMet) && (Throughput is null || ThroughputMet) && !HostExitedEarly;

    public string Render()
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"LeadScoring pipeline benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
        w.WriteLine($"command:  dotnet LeadScoring.Benchmarks.dll --pipeline {string.Join(' ', args)}");
        w.WriteLine($"machine:  {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        w.WriteLine($"host:     {hostDll} (a process; host.json of the repo, Information logging to a file)");
        w.WriteLine($"storage:  Azurite 3.37 (node_modules, {(options.AzuriteOnDisk ? "on disk: --location" : "in memory: --inMemoryPersistence")}); HubSpot: emulator in the harness process, {options.ContactCount} contacts, rate limit {options.RateLimit}/10 s");
        if (Warmup is not null)
        {
            w.WriteLine(Warmup.Trim());
        }

        if (Probe is { } p)
        {
            w.WriteLine();
            w.WriteLine("Azurite alone — the intake's storage calls per one-event webhook (ledger read-miss, queue put, ledger upsert):");
            w.WriteLine($"  1 client:   {p.SingleSequencesPerSecond,7:0} webhooks-worth/s   ms p50/p95: read {Ms(p.SingleGet)}  put {Ms(p.SinglePut)}  upsert {Ms(p.SingleUpsert)}");
            w.WriteLine($"  {p.Clients,2} clients: {p.LoadedSequencesPerSecond,7:0} webhooks-worth/s   ms p50/p95: read {Ms(p.LoadedGet)}  put {Ms(p.LoadedPut)}  upsert {Ms(p.LoadedUpsert)}");
            w.WriteLine($"  → ceiling for the webhook endpoint from storage alone ≈ {p.LoadedSequencesPerSecond:0} req/s (target {ThroughputTarget})");
        }

        if (Latency is { } l)
        {
            w.WriteLine();
            w.WriteLine($"1. Webhook → write-back latency ({options.Rate:0.##} events/s open loop for {options.Seconds:0.#} s; one contact.propertyChange per request, distinct contacts)");
            Row(w, "metric", "value", "target");
            Row(w, "---", "---", "---");
            Row(w, "events sent", $"{l.Sent} at {l.AchievedRate:0.00}/s (max schedule lag {l.MaxScheduleLagMs:0} ms)", "");
            Row(w, "webhook HTTP errors / not enqueued", $"{l.HttpErrors} / {l.NotEnqueued}", "0");
            Row(w, "written back", $"{l.Written} of {l.Sent}; never written: {l.NeverWritten} (drain limit {options.DrainSeconds:0} s)", "all");
            Row(w, "latency p50", Sec(l.EndToEnd?.P50), "");
            Row(w, "latency p95", Sec(l.EndToEnd?.P95), $"< 2 s  {(LatencyMet ? "MET" : "MISSED")}");
            Row(w, "latency p99", Sec(l.EndToEnd?.P99), "");
            Row(w, "latency max / mean", $"{Sec(l.EndToEnd?.Max)} / {Sec(l.EndToEnd?.Mean)}", "");
            w.WriteLine();
            w.WriteLine("   where the time goes (p50 / p95 / p99):");
            w.WriteLine($"     webhook HTTP answer (host ack)           {Triple(l.Ack, 1, "ms")}");
            w.WriteLine($"     send → pipeline reads it from HubSpot    {Triple(l.Pickup, 1000, "ms")}   (intake, queue wait, polling)");
            w.WriteLine($"     that read → ai_lead_score written        {Triple(l.Processing, 1000, "ms")}   (gather, score, batch write-back, storage)");
            w.WriteLine($"     score-requests queue depth: max {l.MaxQueueDepthWhileSending} while sending, max {(l.MaxQueueDepthAfter < 0 ? "n/a" : l.MaxQueueDepthAfter)} after; last write {Sec(l.LastWriteAfterLastSend)} after the last send");
            w.WriteLine($"     Azurite watchdog (queue length read once a second by the harness): {l.AzuriteWatchdog}");
            w.WriteLine($"     per-event samples: {l.SamplesPath}");
            w.WriteLine($"     CPU while sending: {l.SendCpu}");
            w.WriteLine($"     CPU while draining: {l.DrainCpu}");
            w.WriteLine($"     HubSpot API calls: {l.ApiCalls} ({(l.Written > 0 ? (double)l.ApiCalls / l.Written : 0):0.0} per written contact){(l.ApiLogFull ? " — emulator log full (50,000), counts are a floor" : "")}");
            foreach (var e in l.Endpoints.Take(8))
            {
                w.WriteLine($"       {e.Endpoint,-55} {e.Count,6}×  mean {e.MeanMs,6:0.0} ms  p95 {e.P95Ms,6:0.0} ms{(e.Errors > 0 ? $"  {e.Errors} errors" : "")}");
            }
        }

        if (Throughput is { } t)
        {
            w.WriteLine();
            w.WriteLine($"2. Webhook endpoint throughput ({options.Clients} closed-loop clients, signed one-event webhooks, {options.ThroughputSeconds:0.#} s after {options.ThroughputWarmupSeconds:0.#} s warm-up)");
            Row(w, "metric", "value", "target");
            Row(w, "---", "---", "---");
            Row(w, "requests/s", $"{t.RequestsPerSecond:0} ({t.Requests} in {t.Seconds:0.0} s; {t.OkPerSecond:0}/s answered 2xx)", $"≥ 2,000  {(t.RequestsPerSecond >= ThroughputTarget ? "MET" : "MISSED")}");
            Row(w, "latency p50 / p95", $"{Ms1(t.Latency?.P50)} / {Ms1(t.Latency?.P95)}", "");
            Row(w, "latency p99", Ms1(t.Latency?.P99), $"< 50 ms  {(t.Latency?.P99 < EndpointP99TargetMs ? "MET" : "MISSED")}");
            Row(w, "latency max", Ms1(t.Latency?.Max), "");
            Row(w, "errors", t.Errors == 0 ? "0" : $"{t.Errors} ({t.ErrorsByStatus})", "0");
            w.WriteLine($"   CPU: {(t.Cpu?.ToString() ?? "n/a")}");
            if (Rejected is { } r)
            {
                w.WriteLine($"   reference, same clients with a wrong signature (401: Kestrel, routing, body read, HMAC check — no storage):");
                w.WriteLine($"     {r.RequestsPerSecond:0} req/s, p50/p95/p99 {Ms1(r.Latency?.P50)} / {Ms1(r.Latency?.P95)} / {Ms1(r.Latency?.P99)}, " +
                            $"{r.Requests - r.Unauthorized} non-401 answers; CPU: {(r.Cpu?.ToString() ?? "n/a")}");
            }

            w.WriteLine($"   score-requests queue depth: {t.QueueDepthBefore} before, {t.QueueDepthAfter} after (the pipeline works it off later)");
            w.WriteLine($"   Azurite watchdog: {t.AzuriteWatchdog}");
        }

        w.WriteLine();
        w.WriteLine($"host log: {HostLog}");
        w.WriteLine($"host health at the end: {(Health.Length > 400 ? Health[..400] + "…" : Health)}");
        if (HostExitedEarly)
        {
            w.WriteLine("THE HOST PROCESS EXITED DURING THE RUN.");
        }

        w.WriteLine();
        w.WriteLine($"Targets: end-to-end p95 < 2 s at 50/s: {(Latency is null ? "not run" : LatencyMet ? "MET" : "MISSED")}; " +
                    $"endpoint ≥ 2,000 req/s with p99 < 50 ms: {(Throughput is null ? "not run" : ThroughputMet ? "MET" : "MISSED")}");
        return w.ToString();
    }

    private static void Row(StringWriter w, string a, string b, string c) => w.WriteLine($"| {a,-36} | {b,-64} | {c,-16} |");

    private static string Sec(double? seconds) => seconds is { } s ? FormattableString.Invariant($"{s:0.000} s") : "n/a";

    private static string Ms1(double? ms) => ms is { } m ? FormattableString.Invariant($"{m:0.0} ms") : "n/a";

    private static string Ms(Distribution d) => FormattableString.Invariant($"{d.P50:0.0}/{d.P95:0.0}");

    private static string Triple(Distribution? d, double scale, string unit) =>
        d is null ? "n/a" : FormattableString.Invariant($"{d.P50 * scale,8:0} / {d.P95 * scale,8:0} / {d.P99 * scale,8:0} {unit}");
}
