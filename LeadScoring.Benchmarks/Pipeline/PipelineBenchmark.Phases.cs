using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LeadScoring.Benchmarks.Pipeline;

/// <summary>The measured phases of <c>--pipeline</c>: warm-up, webhook → write-back latency, the endpoint's throughput.</summary>
internal static partial class PipelineBenchmark
{
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

