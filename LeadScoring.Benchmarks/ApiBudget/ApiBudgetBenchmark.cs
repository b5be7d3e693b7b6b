using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LeadScoring.Benchmarks.Pipeline;
using LeadScoring.Core.HubSpot;

namespace LeadScoring.Benchmarks.ApiBudget;

/// <summary>
/// <c>--api-budget</c>: what the product spends of the portal's HubSpot budget, against one product instance
/// (<see cref="ProductUnderLoad"/>: Azurite, the in-process emulator seeded with N contacts, the host as a Release
/// process). The HubSpot calls come from the emulator's request log, grouped by operation (method and path with the ids
/// as <c>{id}</c>); the phases (initial, unchanged, decay, webhooks) are described in <see cref="ApiBudgetOptions.Usage"/>.
/// Prints a report and writes it to a file; exit code 3 when a target is missed or a phase is not available.
/// </summary>
internal static partial class ApiBudgetBenchmark
{
    public const double InitialCallsPer100Target = 13;
    public const double InitialFloorFactorTarget = 1.25;
    public const double UnchangedCallsPer100Target = 1;
    public const double WebhookP95TargetSeconds = 2;
    public const int WebhookMinMeasured = 20;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var (options, error) = ApiBudgetOptions.Parse(args);
        if (options is null)
        {
            return await HarnessCommand.UsageAsync("--api-budget", error, ApiBudgetOptions.Usage, output);
        }

        using var stop = new StopSignals();
        var startedAt = DateTime.UtcNow;
        try
        {
            var root = Repository.Root();
            var report = await MeasureAsync(options, args, root, output, stop.Token);
            var text = report.Render();
            await output.WriteLineAsync();
            await output.WriteLineAsync(text);
            var path = Path.GetFullPath(options.ReportPath ?? Path.Combine(root, "BenchmarkDotNet.Artifacts", "results",
                $"api-budget-{startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.txt"));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, text, CancellationToken.None);
            await output.WriteLineAsync($"Report written to {path}");
            return report.AllPassed ? 0 : 3;
        }
        catch (OperationCanceledException) when (stop.Requested)
        {
            await Console.Error.WriteLineAsync("Cancelled; everything started was stopped.");
            return 130;
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException)
        {
            await Console.Error.WriteLineAsync("--api-budget failed: " + ex.Message);
            return 1;
        }
    }

    /// <summary>What the phases need of the host: the fresh install's batch at start-up, and no timer batch after it.</summary>
    public static ProductSetup Setup(ApiBudgetOptions options) => new()
    {
        Contacts = options.Contacts,
        RateLimit = options.RateLimit,
        SearchRateLimit = 5, // HubSpot's: search is part of the budget being measured
        FaultRate = options.FaultRate,
        HostEnvironment = new Dictionary<string, string>
        {
            // A fresh install scores the whole portal by itself: that is the initial phase.
            ["LEAD_SCORE_INITIAL_RESCORE"] = "true",
            // No timer batch after it: every later batch is one the harness starts.
            ["LEAD_SCORE_UPDATE_INTERVAL"] = "24h",
        },
    };

    private static async Task<ApiBudgetReport> MeasureAsync(ApiBudgetOptions options, string[] args, string root, TextWriter log, CancellationToken cancellationToken)
    {
        var hostDll = ProductUnderLoad.HostDll(root, options.HostDll);

        var setup = Setup(options);
        var report = new ApiBudgetReport(options, args, hostDll, setup, Git(Path.GetDirectoryName(hostDll)!), Git(root));
        await log.WriteLineAsync("Starting Azurite, the HubSpot emulator and the host…");
        await using var product = await ProductUnderLoad.StartStorageAsync(root, onDisk: true, log, cancellationToken);
        await product.StartEmulatorAndHostAsync(root, hostDll, setup, log, cancellationToken);
        report.HostLogPath = product.Host.LogPath;
        using var host = new HttpClient { BaseAddress = product.HostAddress, Timeout = TimeSpan.FromSeconds(60) };
        host.DefaultRequestHeaders.Add("x-functions-key", ProductUnderLoad.AdminKey);
        var run = new ApiBudgetRun(product, host, options, log, cancellationToken);

        var initial = await run.InitialAsync();
        if (options.Reports(ApiBudgetPhase.Initial))
        {
            report.Phases.Add(initial);
        }
        else
        {
            report.Setup.Add("set-up (not measured): " + initial.Summarize());
        }

        if (options.Reports(ApiBudgetPhase.Unchanged))
        {
            report.Phases.Add(await run.UnchangedAsync());
        }

        if (options.Reports(ApiBudgetPhase.Decay))
        {
            report.Phases.Add(await run.DecayAsync());
        }

        if (options.Reports(ApiBudgetPhase.Webhooks))
        {
            report.Phases.Add(await run.WebhooksAsync());
        }

        report.HostExitedEarly = product.Host.HasExited;
        report.HostLog = HostLogSummary(product.Host.LogPath);
        return report;
    }

    /// <summary><c>git rev-parse --short HEAD</c> of the repository holding <paramref name="directory"/>, with "+uncommitted" when its tracked files differ.</summary>
    private static string Git(string directory)
    {
        string? Run(params string[] arguments)
        {
            try
            {
                var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var argument in (string[])["-C", directory, .. arguments])
                {
                    start.ArgumentList.Add(argument);
                }

                using var process = Process.Start(start)!;
                var text = process.StandardOutput.ReadToEnd().Trim();
                process.WaitForExit();
                return process.ExitCode == 0 ? text : null;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }

        var head = Run("rev-parse", "--short", "HEAD");
        if (head is null)
        {
            return $"unknown (no git repository at {directory})";
        }

        var top = Run("rev-parse", "--show-toplevel") ?? directory;
        var dirty = Run("status", "--porcelain", "--untracked-files=no") is { Length: > 0 };
        return $"{head}{(dirty ? " +uncommitted changes" : "")} ({top})";
    }

    private static string HostLogSummary(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            var warn = lines.Count(l => l.StartsWith("warn:", StringComparison.Ordinal));
            var fail = lines.Count(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal));
            return FormattableString.Invariant($"{lines.Length} lines, {warn} warn, {fail} fail/crit entries ({path})");
        }
        catch (IOException ex)
        {
            return "host log unreadable: " + ex.Message;
        }
    }

    /// <summary>Method and path with every id (digits, or an email) as <c>{id}</c>: <c>POST /crm/v3/objects/emails/batch/read</c>.</summary>
    public static string Operation(ApiRequest request) => $"{request.Method} {IdSegment().Replace(request.Path, "/{id}")}";

    /// <summary>Calls by operation, most first.</summary>
    public static List<OperationUse> Operations(IEnumerable<ApiRequest> requests) =>
        [.. requests.GroupBy(Operation)
            .Select(g => new OperationUse(g.Key, g.Count(), g.Count(r => r.Status == 429), g.Count(r => r.Status >= 400 && r.Status != 429)))
            .OrderByDescending(o => o.Calls).ThenBy(o => o.Operation, StringComparer.Ordinal)];

    [GeneratedRegex(@"/(\d+|[^/]*(@|%40)[^/]*)(?=/|$)")]
    private static partial Regex IdSegment();

    /// <summary>The host's per-lead line (WebhookLatency): the numbers by stage.</summary>
    [GeneratedRegex(@"Webhook lead stages: total (?<total>\d+) ms = queue (?<queue>\d+) ms, schedule (?<schedule>\d+) ms, dispatch (?<dispatch>\d+) ms, "
        + @"gather wait (?<wait>\d+) ms, gather (?<gather>\d+) ms \(budget wait max (?<gatherBudget>\d+) ms, HubSpot max (?<gatherHubSpot>\d+) ms, \d+ calls\), "
        + @"score (?<score>\d+) ms, write-back (?<write>\d+) ms \(budget wait (?<writeBudget>\d+) ms, HubSpot (?<writeHubSpot>\d+) ms\)")]
    internal static partial Regex StageLine();

    internal static readonly string[] StageNames = ["total", "queue", "schedule", "dispatch", "wait", "gather", "gatherBudget", "gatherHubSpot", "score", "write", "writeBudget", "writeHubSpot"];

    internal static readonly string[] StageLabels =
    [
        "queued → written (host)", "score-requests queue", "dequeued → ScoreLeads scheduled", "scheduled → activity started (task hub)", "wait for a shared gather",
        "gather", "gather: longest budget wait", "gather: longest HubSpot call", "score", "write-back", "write-back: budget wait", "write-back: HubSpot",
    ];
}

/// <summary>The phases against one running product; each returns its part of the report.</summary>
internal sealed class ApiBudgetRun(ProductUnderLoad product, HttpClient host, ApiBudgetOptions options, TextWriter log, CancellationToken cancellationToken)
{
    public const string BatchInstance = "batch-rescore";
    private const string BatchStatusUri = "/api/admin/orchestrations/" + BatchInstance;
    private const string GatherOperation = "POST /crm/v3/objects/contacts/batch/read";
    private const string SearchPath = "/crm/v3/objects/contacts/search";
    private const int LogCapacity = 50_000;

    /// <summary>The timer ticks at second 0 of every minute; a fresh install's batch starts at the first tick.</summary>
    private static readonly TimeSpan StartupBatchWait = TimeSpan.FromSeconds(75);

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);


    private static readonly TimeSpan WebhookDrain = TimeSpan.FromSeconds(60);

    private readonly double _perSecond = options.RateLimit / 10.0;

    /// <summary>How long a batch may take before the harness gives up on it: the floor of two calls per contact, plus five minutes.</summary>
    private TimeSpan BatchTimeout => TimeSpan.FromSeconds(300 + (2.0 * options.Contacts / _perSecond));

    public async Task<PhaseReport> InitialAsync()
    {
        var phase = new PhaseReport(ApiBudgetPhase.Initial, $"initial — the fresh install's whole-portal rescore ({options.Contacts} contacts)");
        await log.WriteLineAsync($"Initial: waiting up to {StartupBatchWait.TotalSeconds:0} s for the host's start-up batch (LEAD_SCORE_INITIAL_RESCORE=true; the timer ticks at second 0)…");
        var ready = product.HostReadyAt;
        OrchestrationSnapshot? seen = null;
        while (DateTimeOffset.UtcNow < ready + StartupBatchWait)
        {
            CheckHost();
            if ((seen = await OrchestrationAsync(BatchStatusUri)) is not null)
            {
                break;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        DateTimeOffset start;
        string statusUri = BatchStatusUri;
        if (seen is not null)
        {
            // The orchestration continues as new after each wave, which may restart its createdAt: the batch's first
            // contacts search is the other witness of when it began.
            var firstSearch = (await product.ApiRequestsAsync(cancellationToken))
                .Where(r => r.At >= ready && r.Method == "POST" && r.Path == SearchPath).Select(r => (DateTimeOffset?)r.At).Min();
            var created = seen.CreatedAt ?? DateTimeOffset.UtcNow;
            start = firstSearch is { } s && s < created ? s : created;
            phase.Notes.Add(FormattableString.Invariant(
                $"started by the host itself (start-up batch) {(start - ready).TotalSeconds:0.0} s after the host was ready; start = {(start == created ? "the orchestration's createdAt" : "its first contacts search")} (createdAt first seen {created:HH:mm:ss.fff}, first search {(firstSearch is { } f ? f.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) : "none yet")})"));
        }
        else
        {
            await log.WriteLineAsync("  no start-up batch; POST /api/admin/rescore?scope=portal…");
            start = DateTimeOffset.UtcNow;
            var (status, body) = await PostAsync("/api/admin/rescore?scope=portal");
            if (status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                phase.NotAvailable = $"the host started no batch within {StartupBatchWait.TotalSeconds:0} s of start-up, and POST /api/admin/rescore?scope=portal answered {(int)status}";
                return phase;
            }

            Require(status, body, "POST /api/admin/rescore?scope=portal");
            statusUri = (string?)body?["statusUri"] ?? BatchStatusUri;
            phase.Notes.Add($"the host started no batch within {StartupBatchWait.TotalSeconds:0} s of start-up: triggered by POST /api/admin/rescore?scope=portal (answered {(int)status} {Compact(body)})");
        }

        await log.WriteLineAsync("  batch running; polling its status every second…");
        var done = await WaitAsync(statusUri, start, "initial batch");
        var api = await product.ApiRequestsAsync(cancellationToken);
        var calls = api.Where(r => r.At >= start && r.At <= done.ObservedAt).ToList();
        var before = api.Where(r => r.At < start).ToList();
        var end = done.End;
        var elapsed = (end - start).TotalSeconds;
        var floor = calls.Count / _perSecond;
        var per100 = calls.Count * 100.0 / options.Contacts;
        var rateLimited = calls.Count(r => r.Status == 429);

        Outcome(phase, done);
        phase.Metric("elapsed (start → Completed)", FormattableString.Invariant($"{elapsed:0.0} s (seen Completed by the 1-s poll at +{(done.ObservedAt - start).TotalSeconds:0.0} s)"));
        phase.Metric("HubSpot calls", Invariant(calls.Count));
        phase.Target("calls per 100 contacts", FormattableString.Invariant($"{per100:0.00}"), FormattableString.Invariant($"≤ {ApiBudgetBenchmark.InitialCallsPer100Target:0}"), per100 <= ApiBudgetBenchmark.InitialCallsPer100Target);
        phase.Metric("floor = calls ÷ (rate limit / 10 s)", FormattableString.Invariant($"{floor:0.0} s at {_perSecond:0.#}/s"));
        phase.Target("elapsed ÷ floor", floor > 0 ? FormattableString.Invariant($"{elapsed / floor:0.00}") : "n/a (no calls)",
            FormattableString.Invariant($"≤ {ApiBudgetBenchmark.InitialFloorFactorTarget:0.00}"), floor > 0 && elapsed <= ApiBudgetBenchmark.InitialFloorFactorTarget * floor);
        phase.Target("429 answers", Invariant(rateLimited), "0", rateLimited == 0);
        phase.Operations = ApiBudgetBenchmark.Operations(calls);
        phase.Summary = FormattableString.Invariant($"initial rescore {done.Snapshot?.Status ?? "?"} in {elapsed:0.0} s, {calls.Count} HubSpot calls");
        CoverageNote(phase, done);
        FaultTimeline(phase, calls, start);
        if (before.Count > 0)
        {
            phase.Notes.Add($"not counted: {before.Count} HubSpot calls before the batch (host start-up): " +
                string.Join(", ", ApiBudgetBenchmark.Operations(before).Select(o => $"{o.Operation} ×{o.Calls}")));
        }

        LogFull(phase, api);
        return phase;
    }

    public async Task<PhaseReport> UnchangedAsync()
    {
        var phase = new PhaseReport(ApiBudgetPhase.Unchanged, "unchanged — POST /api/admin/rescore (since the checkpoint) right after the initial rescore");
        await log.WriteLineAsync("Unchanged: clearing the request log, POST /api/admin/rescore…");
        await product.ClearApiRequestsAsync(cancellationToken);
        var start = DateTimeOffset.UtcNow;
        var (status, body) = await PostAsync("/api/admin/rescore");
        if (status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            phase.NotAvailable = $"POST /api/admin/rescore answered {(int)status}";
            return phase;
        }

        Require(status, body, "POST /api/admin/rescore");
        phase.Notes.Add($"POST /api/admin/rescore answered {(int)status} {Compact(body)}");
        var done = await WaitAsync((string?)body?["statusUri"] ?? BatchStatusUri, start, "rescore");
        var api = await product.ApiRequestsAsync(cancellationToken);
        var calls = api.Where(r => r.At <= done.ObservedAt).ToList();
        var per100 = calls.Count * 100.0 / options.Contacts;
        var gathers = calls.Count(r => ApiBudgetBenchmark.Operation(r) == GatherOperation);

        Outcome(phase, done);
        phase.Metric("elapsed (POST → Completed)", FormattableString.Invariant($"{(done.End - start).TotalSeconds:0.0} s"));
        phase.Metric("HubSpot calls", Invariant(calls.Count));
        phase.Target("calls per 100 contacts", FormattableString.Invariant($"{per100:0.00}"), FormattableString.Invariant($"≤ {ApiBudgetBenchmark.UnchangedCallsPer100Target:0}"), per100 <= ApiBudgetBenchmark.UnchangedCallsPer100Target);
        phase.Target("gathers (" + GatherOperation + ")", Invariant(gathers), "0", gathers == 0);
        phase.Metric("429 answers", Invariant(calls.Count(r => r.Status == 429)));
        phase.Operations = ApiBudgetBenchmark.Operations(calls);
        LogFull(phase, api);
        return phase;
    }

    public async Task<PhaseReport> DecayAsync()
    {
        var phase = new PhaseReport(ApiBudgetPhase.Decay, "decay — POST /api/admin/decay");
        await log.WriteLineAsync("Decay: clearing the request log, POST /api/admin/decay…");
        await product.ClearApiRequestsAsync(cancellationToken);
        var start = DateTimeOffset.UtcNow;
        var (status, body) = await PostAsync("/api/admin/decay");
        if (status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            phase.NotAvailable = $"POST /api/admin/decay answered {(int)status}";
            return phase;
        }

        Require(status, body, "POST /api/admin/decay");
        phase.Notes.Add($"POST /api/admin/decay answered {(int)status} {Compact(body)}");
        var statusUri = (string?)body?["statusUri"] ?? $"/api/admin/orchestrations/{(string?)body?["instanceId"] ?? "decay"}";
        var done = await WaitAsync(statusUri, start, "decay");
        var api = await product.ApiRequestsAsync(cancellationToken);
        var calls = api.Where(r => r.At <= done.ObservedAt).ToList();
        var writes = calls.Where(IsWrite).ToList();
        var reads = calls.Count - writes.Count;

        Outcome(phase, done);
        phase.Metric("elapsed (POST → Completed)", FormattableString.Invariant($"{(done.End - start).TotalSeconds:0.0} s"));
        phase.Metric("output", Compact(done.Snapshot?.Output));
        phase.Target("HubSpot reads (all but batch/update, enrolment)", Invariant(reads), "0", reads == 0);
        phase.Metric("HubSpot writes", FormattableString.Invariant(
            $"{writes.Count} ({writes.Count(r => r.Path.EndsWith("/batch/update", StringComparison.Ordinal))} batch/update, {writes.Count(r => !r.Path.EndsWith("/batch/update", StringComparison.Ordinal))} workflow enrolments)"));
        phase.Metric("429 answers", Invariant(calls.Count(r => r.Status == 429)));
        phase.Operations = ApiBudgetBenchmark.Operations(calls);
        LogFull(phase, api);
        return phase;

        static bool IsWrite(ApiRequest r) =>
            r.Method == "POST" && (r.Path.EndsWith("/batch/update", StringComparison.Ordinal) || ApiBudgetBenchmark.Operation(r) == "POST /automation/v2/workflows/{id}/enrollments/contacts/{id}");
    }

    public async Task<PhaseReport> WebhooksAsync()
    {
        var n = options.Webhooks;
        var phase = new PhaseReport(ApiBudgetPhase.Webhooks,
            FormattableString.Invariant($"webhooks — {n} contact webhooks, 1 per {options.WebhookInterval.TotalMilliseconds:0} ms, during POST /api/admin/rescore?scope=portal"));
        await log.WriteLineAsync("Webhooks: clearing the request log, POST /api/admin/rescore?scope=portal…");
        var ids = await product.ContactIdsUnloggedAsync(cancellationToken);
        if (ids.Count < n)
        {
            throw new InvalidOperationException($"The emulator has {ids.Count} contacts; {n} are needed.");
        }

        var contacts = Enumerable.Range(0, n).Select(i => ids[(int)((i + 0.5) * ids.Count / n)]).ToList();
        await product.ClearApiRequestsAsync(cancellationToken);
        var start = DateTimeOffset.UtcNow;
        var (status, body) = await PostAsync("/api/admin/rescore?scope=portal");
        if (status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            phase.NotAvailable = $"POST /api/admin/rescore?scope=portal answered {(int)status}";
            return phase;
        }

        Require(status, body, "POST /api/admin/rescore?scope=portal");
        var statusUri = (string?)body?["statusUri"] ?? BatchStatusUri;
        phase.Notes.Add($"POST /api/admin/rescore?scope=portal answered {(int)status} {Compact(body)}");

        // About 5 s into the batch, and running.
        OrchestrationSnapshot? running = null;
        while (true)
        {
            CheckHost();
            running = await OrchestrationAsync(statusUri);
            var since = DateTimeOffset.UtcNow - start;
            if ((since >= TimeSpan.FromSeconds(5) && running?.Status == "Running") || since >= TimeSpan.FromSeconds(30) || (running is { IsTerminal: true } && running.LastUpdatedAt >= start))
            {
                break;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        var batchState = FormattableString.Invariant($"{running?.Status ?? "not found"} at +{(DateTimeOffset.UtcNow - start).TotalSeconds:0.0} s");
        await log.WriteLineAsync($"  batch {batchState}; posting {n} webhooks, one every {options.WebhookInterval.TotalMilliseconds:0} ms…");

        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var poster = new WebhookPoster(http, product.WebhookUri, product.EmulatorOptions.ClientSecret, product.EmulatorOptions.PortalId, product.EmulatorOptions.AppId);
        var sentAt = new DateTimeOffset[n];
        var results = new PostResult[n];
        var changeErrors = new ConcurrentBag<string>();
        var tasks = new Task[n];
        var origin = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            var wait = (i * options.WebhookInterval) - Stopwatch.GetElapsedTime(origin);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken);
            }

            var index = i;
            tasks[index] = Task.Run(async () =>
            {
                // The change is real first (a completed meeting: engagement, recency and activity counts move), then HubSpot's webhook about it.
                var id = contacts[index];
                using var change = await product.EmulatorClient.PostAsJsonAsync(new Uri($"/_emulator/contacts/{id}/activity", UriKind.Relative), new { type = "meeting" }, cancellationToken);
                if (!change.IsSuccessStatusCode)
                {
                    changeErrors.Add(FormattableString.Invariant($"{id}: {(int)change.StatusCode}"));
                }

                var now = DateTimeOffset.UtcNow;
                sentAt[index] = now;
                results[index] = await poster.PostAsync(id, "notes_last_updated", now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), readResult: true, cancellationToken);
            }, cancellationToken);
        }

        await Task.WhenAll(tasks);
        var lastSent = sentAt.Max();
        await log.WriteLineAsync(FormattableString.Invariant($"  sent {n} in {Stopwatch.GetElapsedTime(origin).TotalSeconds:0.0} s; waiting up to {WebhookDrain.TotalSeconds:0} s for the write-backs…"));

        // As the --pipeline latency phase: the emulator records when each property was written (same machine clock).
        var writtenAt = new ConcurrentDictionary<int, DateTimeOffset>();
        var pending = Enumerable.Range(0, n).ToList();
        while (true)
        {
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, token) =>
            {
                if (await product.FirstWriteAfterAsync(contacts[i], LeadScoreProperties.Score, sentAt[i], token) is { } at)
                {
                    writtenAt[i] = at;
                }
            });
            pending = [.. pending.Where(i => !writtenAt.ContainsKey(i))];
            if (pending.Count == 0 || DateTimeOffset.UtcNow >= lastSent + WebhookDrain || product.Host.HasExited)
            {
                break;
            }

            await Task.Delay(500, cancellationToken);
        }

        var latency = Distribution.Of(writtenAt.Select(p => (p.Value - sentAt[p.Key]).TotalSeconds));
        await log.WriteLineAsync("  waiting for the batch to complete…");
        var done = await WaitAsync(statusUri, start, "portal rescore");
        var api = await product.ApiRequestsAsync(cancellationToken);
        var calls = api.Where(r => r.At <= done.ObservedAt).ToList();

        var httpErrors = results.Count(r => !r.Ok);
        phase.Metric("webhooks posted", FormattableString.Invariant(
            $"{n} ({httpErrors} HTTP errors, {results.Count(r => r.Ok && r.Enqueued != 1)} not enqueued, {changeErrors.Count} emulator changes failed)"));
        phase.Target("measured (score written after the post)", FormattableString.Invariant($"{writtenAt.Count} of {n}"), FormattableString.Invariant($"≥ {ApiBudgetBenchmark.WebhookMinMeasured}"), writtenAt.Count >= ApiBudgetBenchmark.WebhookMinMeasured);
        phase.Metric("webhook post → ai_lead_score written p50", Sec(latency?.P50));
        phase.Target("webhook post → ai_lead_score written p95", Sec(latency?.P95), FormattableString.Invariant($"< {ApiBudgetBenchmark.WebhookP95TargetSeconds:0} s"), latency is { } l && l.P95 < ApiBudgetBenchmark.WebhookP95TargetSeconds);
        phase.Metric("webhook post → ai_lead_score written max", Sec(latency?.Max));
        phase.Metric("webhook ack (host HTTP answer) p50 / max", latency is null ? "n/a" : FormattableString.Invariant(
            $"{Distribution.Of(results.Where(r => r.Ok).Select(r => r.Milliseconds))?.P50 ?? 0:0.0} / {Distribution.Of(results.Where(r => r.Ok).Select(r => r.Milliseconds))?.Max ?? 0:0.0} ms"));
        StageTimings(phase, product.Host.LogPath);
        phase.Metric("batch when the first webhook went", batchState);
        Outcome(phase, done, "batch status");
        phase.Metric("batch elapsed (POST → Completed)", FormattableString.Invariant($"{(done.End - start).TotalSeconds:0.0} s"));
        phase.Metric("HubSpot calls (batch + webhooks)", FormattableString.Invariant($"{calls.Count} ({calls.Count(r => r.Status == 429)} answered 429)"));
        phase.Operations = ApiBudgetBenchmark.Operations(calls);
        CoverageNote(phase, done);
        phase.Notes.Add("each change is an emulator meeting (POST /_emulator/contacts/{id}/activity), which the emulator itself also announces to the host by webhook; the posted notes_last_updated webhook follows it at once");
        if (pending.Count > 0)
        {
            phase.Notes.Add($"never written within {WebhookDrain.TotalSeconds:0} s: contacts {string.Join(", ", pending.Take(10).Select(i => contacts[i]))}{(pending.Count > 10 ? ", …" : "")}");
        }

        if (!changeErrors.IsEmpty)
        {
            phase.Notes.Add("emulator changes that failed: " + string.Join(", ", changeErrors.Take(5)));
        }

        LogFull(phase, api);
        return phase;
    }

    /// <summary>
    /// Where the webhook leads' time went, from the host's "Webhook lead stages" lines (queue write → score written in
    /// HubSpot; the webhook's own HTTP answer comes before it): p50 / p95 / max per stage, over every lead the host
    /// followed — the harness's webhooks and the emulator's own announcements of the same changes.
    /// </summary>
    private static void StageTimings(PhaseReport phase, string hostLog)
    {
        string text;
        try
        {
            using var stream = new FileStream(hostLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
        }
        catch (IOException ex)
        {
            phase.Notes.Add("stage timings: host log unreadable: " + ex.Message);
            return;
        }

        var leads = ApiBudgetBenchmark.StageLine().Matches(text)
            .Select(m => ApiBudgetBenchmark.StageNames.ToDictionary(n => n, n => double.Parse(m.Groups[n].Value, CultureInfo.InvariantCulture))).ToList();
        if (leads.Count == 0)
        {
            phase.Notes.Add("stage timings: the host logged no \"Webhook lead stages\" lines (an older host?)");
            return;
        }

        foreach (var (name, label) in ApiBudgetBenchmark.StageNames.Zip(ApiBudgetBenchmark.StageLabels))
        {
            var d = Distribution.Of(leads.Select(l => l[name]))!;
            phase.Metric($"stage: {label} p50 / p95 / max", FormattableString.Invariant($"{d.P50:0} / {d.P95:0} / {d.Max:0} ms ({d.Count} leads)"));
        }
    }

    private static void Outcome(PhaseReport phase, Completion done, string metric = "status")
    {
        var status = done.Snapshot?.Status ?? "not found";
        var value = done.TimedOut ? $"{status} — not finished after {done.Waited.TotalSeconds:0} s" : status;
        if (done.Snapshot?.Failure is { } failure)
        {
            value += ": " + failure;
        }

        phase.Target(metric, value, "Completed", !done.TimedOut && status == "Completed");
        if (done.Snapshot?.Output is { } output)
        {
            phase.Notes.Add("orchestration output: " + Compact(output));
        }
    }

    /// <summary>A whole-portal batch that handed fewer contacts to ScoreLeads than the portal has did not cover it.</summary>
    private void CoverageNote(PhaseReport phase, Completion done)
    {
        if (done.Snapshot?.Output?["enqueued"] is JsonValue value && value.TryGetValue<int>(out var enqueued) && enqueued < options.Contacts)
        {
            phase.Notes.Add(FormattableString.Invariant(
                $"the batch handed {enqueued} of {options.Contacts} contacts to ScoreLeads: it did not cover the whole portal (a host that ignores ?scope=portal rescores since the checkpoint)"));
        }
    }

    /// <summary>
    /// Under faults, where the time went: each failed or slow call (offset from the start, duration, status), and when
    /// the searches and the write-back ran, so a lost hedge or a held batch shows as a gap.
    /// </summary>
    private void FaultTimeline(PhaseReport phase, List<ApiRequest> calls, DateTimeOffset start)
    {
        if (options.FaultRate <= 0)
        {
            return;
        }

        static bool Marked(ApiRequest r) => r.Status >= 500 || r.DurationMs >= 1000 || r.Path.EndsWith("/search", StringComparison.Ordinal) || r.Path.EndsWith("/batch/update", StringComparison.Ordinal);
        var at = (ApiRequest r) => (r.At - start).TotalSeconds;
        phase.Notes.Add("under faults, the searches, the write-back and every failed or slow call (sent at +s, took ms, status): " + string.Join("; ",
            calls.Where(Marked).OrderBy(at).Select(r => FormattableString.Invariant($"+{at(r):0.00} {ApiBudgetBenchmark.Operation(r)} {r.DurationMs:0} ms {r.Status}"))));
    }

    private static void LogFull(PhaseReport phase, List<ApiRequest> api)
    {
        if (api.Count >= LogCapacity)
        {
            phase.Notes.Add($"the emulator's request log is full ({LogCapacity:N0}): the oldest calls fell out, so the counts are a floor");
        }
    }

    private async Task<Completion> WaitAsync(string statusUri, DateTimeOffset notBefore, string what)
    {
        var started = Stopwatch.GetTimestamp();
        var nextLog = TimeSpan.FromSeconds(15);
        OrchestrationSnapshot? last = null;
        while (true)
        {
            CheckHost();
            last = await OrchestrationAsync(statusUri) ?? last;
            var waited = Stopwatch.GetElapsedTime(started);
            if (last is { IsTerminal: true } && last.LastUpdatedAt >= notBefore)
            {
                return new Completion(last, DateTimeOffset.UtcNow, waited, TimedOut: false);
            }

            if (waited > BatchTimeout)
            {
                return new Completion(last, DateTimeOffset.UtcNow, waited, TimedOut: true);
            }

            if (waited >= nextLog)
            {
                nextLog += TimeSpan.FromSeconds(15);
                await log.WriteLineAsync(FormattableString.Invariant($"  {what}: {last?.Status ?? "not found"} after {waited.TotalSeconds:0} s"));
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>The admin view of an orchestration, or null when the host answers 404 (not started yet).</summary>
    private async Task<OrchestrationSnapshot?> OrchestrationAsync(string statusUri)
    {
        using var response = await host.GetAsync(new Uri(statusUri, UriKind.RelativeOrAbsolute), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {statusUri} answered {(int)response.StatusCode}: {Shorten(text)}");
        }

        var json = JsonNode.Parse(text) ?? throw new InvalidOperationException($"GET {statusUri} answered no JSON.");
        return new OrchestrationSnapshot(
            (string?)json["status"] ?? (string?)json["runtimeStatus"] ?? "?", Time(json["createdAt"]), Time(json["lastUpdatedAt"]), (string?)json["failure"], json["output"]?.DeepClone());

        static DateTimeOffset? Time(JsonNode? node) =>
            node is JsonValue v && v.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path)
    {
        using var response = await host.PostAsync(new Uri(path, UriKind.Relative), null, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonNode? body = null;
        try
        {
            body = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            body = JsonValue.Create(Shorten(text));
        }

        return (response.StatusCode, body);
    }

    private static void Require(HttpStatusCode status, JsonNode? body, string what)
    {
        if ((int)status is < 200 or > 299)
        {
            throw new InvalidOperationException($"{what} answered {(int)status}: {Compact(body)}");
        }
    }

    private void CheckHost()
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (product.Host.HasExited)
        {
            throw new InvalidOperationException($"The host exited with code {product.Host.Process.ExitCode}:\n{product.Host.Tail()}");
        }
    }

    private static string Compact(JsonNode? node) => node is null ? "(no body)" : Shorten(node.ToJsonString());

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Sec(double? seconds) => seconds is { } s ? FormattableString.Invariant($"{s:0.000} s") : "n/a";
}

/// <summary>The admin view of an orchestration: <c>status</c> is its runtime status (Pending, Running, Completed, Failed, …).</summary>
internal sealed record OrchestrationSnapshot(string Status, DateTimeOffset? CreatedAt, DateTimeOffset? LastUpdatedAt, string? Failure, JsonNode? Output)
{
    public bool IsTerminal => Status is "Completed" or "Failed" or "Terminated" or "Canceled";
}

/// <summary>How waiting for an orchestration ended; <see cref="End"/> is its own completion time when it reports one.</summary>
internal sealed record Completion(OrchestrationSnapshot? Snapshot, DateTimeOffset ObservedAt, TimeSpan Waited, bool TimedOut)
{
    public DateTimeOffset End => !TimedOut && Snapshot?.LastUpdatedAt is { } at && at <= ObservedAt ? at : ObservedAt;
}

internal sealed record OperationUse(string Operation, int Calls, int RateLimited, int OtherErrors);
