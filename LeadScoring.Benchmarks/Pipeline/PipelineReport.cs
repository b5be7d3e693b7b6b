using System.Globalization;
using System.Runtime.InteropServices;

namespace LeadScoring.Benchmarks.Pipeline;

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

    /// <summary>Counts of the host log's warning/error entries, and the most frequent ones.</summary>
    public static string HostLogSummary(string path)
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

    private static void Row(StringWriter w, string a, string b, string c) => w.WriteLine($"| {a,-36} | {b,-64} | {c,-16} |");

    private static string Sec(double? seconds) => seconds is { } s ? FormattableString.Invariant($"{s:0.000} s") : "n/a";

    private static string Ms1(double? ms) => ms is { } m ? FormattableString.Invariant($"{m:0.0} ms") : "n/a";

    private static string Ms(Distribution d) => FormattableString.Invariant($"{d.P50:0.0}/{d.P95:0.0}");

    private static string Triple(Distribution? d, double scale, string unit) =>
        d is null ? "n/a" : FormattableString.Invariant($"{d.P50 * scale,8:0} / {d.P95 * scale,8:0} / {d.P99 * scale,8:0} {unit}");
}
