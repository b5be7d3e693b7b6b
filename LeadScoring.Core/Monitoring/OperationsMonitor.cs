using System.Diagnostics.Metrics;
using LeadScoring.Core.Alerts;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Monitoring;

/// <summary>
/// Listens to <see cref="LeadScoringMetrics"/> in-process (a <see cref="MeterListener"/>), so the operations page,
/// /api/health and the alerts read the very numbers OTLP exports. Keeps totals, and per HubSpot operation the calls of
/// the last LEAD_SCORE_ALERT_WINDOW (at least 15 minutes for the percentiles). Raises alerts for HubSpot auth failures,
/// an error rate above LEAD_SCORE_ALERT_ERROR_RATE and poison messages.
/// </summary>
public sealed class OperationsMonitor : IDisposable
{
    /// <summary>Fewer calls than this in the window never count as an error rate worth an alert.</summary>
    public const int MinCallsForErrorRate = 5;

    private const int MaxSamplesPerOperation = 5000;
    private static readonly TimeSpan PercentileWindow = TimeSpan.FromMinutes(15);

    private readonly LeadScoringMetrics _metrics;
    private readonly AdminAlerts _alerts;
    private readonly TimeProvider _clock;
    private readonly IOptions<LeadScoringSettings> _settings;
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<HubSpotSample>> _hubSpot = new(StringComparer.Ordinal);
    private readonly Queue<(DateTimeOffset At, double Ms, int Leads)> _scoring = new();
    private readonly Queue<(DateTimeOffset At, int Events)> _webhooks = new();
    private DateTimeOffset? _lastHubSpotSuccess;
    private DateTimeOffset? _lastHubSpotFailure;
    private string? _lastHubSpotFailureText;
    private int _lastHubSpotFailureStatus;

    public OperationsMonitor(LeadScoringMetrics metrics, AdminAlerts alerts, TimeProvider clock, IOptions<LeadScoringSettings> settings)
    {
        _metrics = metrics;
        _alerts = alerts;
        _clock = clock;
        _settings = settings;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnMeasurement(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => OnMeasurement(instrument.Name, value, tags));
        _listener.Start();
    }

    private TimeSpan Window => _settings.Value.AlertWindow;

    private void OnMeasurement(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var now = _clock.GetUtcNow();
        string? operation = null, outcome = null;
        var status = 0;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "operation": operation = tag.Value as string; break;
                case "outcome": outcome = tag.Value as string; break;
                case "status": status = tag.Value is int s ? s : 0; break;
            }
        }

        switch (name)
        {
            case LeadScoringMetrics.HubSpotDurationName:
                OnHubSpotCall(operation ?? "unknown", status, value, now);
                return;
            case LeadScoringMetrics.ScoringDurationName:
                lock (_lock)
                {
                    _scoring.Enqueue((now, value, 0));
                    Trim(_scoring, s => s.At, now - PercentileWindow);
                }

                return;
            case LeadScoringMetrics.PoisonMessagesName:
                _alerts.Raise(AlertKind.PoisonMessage, "a score request failed every delivery and was moved to the poison queue; see the PipelineErrors table and /api/health");
                break;
        }

        lock (_lock)
        {
            var key = outcome is null ? name : $"{name}|{outcome}";
            _totals[key] = _totals.GetValueOrDefault(key) + (long)value;
            if (name == LeadScoringMetrics.WebhookEventsName && outcome == "received")
            {
                _webhooks.Enqueue((now, (int)value));
                Trim(_webhooks, w => w.At, now - Window);
            }
            else if (name == LeadScoringMetrics.LeadsScoredName)
            {
                _scoring.Enqueue((now, -1, (int)value));
            }
        }
    }

    private void OnHubSpotCall(string operation, int status, double ms, DateTimeOffset now)
    {
        var failed = IsFailure(status);
        WindowStats stats;
        lock (_lock)
        {
            if (!_hubSpot.TryGetValue(operation, out var samples))
            {
                _hubSpot[operation] = samples = new Queue<HubSpotSample>();
            }

            samples.Enqueue(new HubSpotSample(now, ms, status));
            if (samples.Count > MaxSamplesPerOperation)
            {
                samples.Dequeue();
            }

            Trim(samples, s => s.At, now - Max(PercentileWindow, Window));
            if (failed)
            {
                _lastHubSpotFailure = now;
                _lastHubSpotFailureStatus = status;
                _lastHubSpotFailureText = $"{operation} answered {(status == 0 ? "no response (timeout or connection failure)" : status)}";
            }
            else if (status is >= 200 and < 400 or 404)
            {
                _lastHubSpotSuccess = now;
            }

            stats = HubSpotWindowLocked(now);
        }

        if (status is 401 or 403)
        {
            _alerts.Raise(AlertKind.HubSpotAuthFailure, $"HubSpot answered {status} to {operation}: check HUBSPOT_ACCESS_TOKEN (or the OAuth app) and its scopes");
        }

        if (failed && stats.Calls >= MinCallsForErrorRate && stats.ErrorRate >= _settings.Value.AlertErrorRate)
        {
            _alerts.Raise(AlertKind.ErrorRate, $"{stats.Errors} of {stats.Calls} HubSpot calls failed in the last {Describe(Window)} ({stats.ErrorRate:P0}); last: {stats.LastFailure}");
        }
    }

    /// <summary>Failures are what an admin must act on: no response, 5xx, 401 and 403. 429s are counted apart (they are retried).</summary>
    public static bool IsFailure(int status) => status is 0 or >= 500 or 401 or 403;

    /// <summary>HubSpot calls, failures and 429s within the alert window.</summary>
    public WindowStats HubSpotWindow()
    {
        lock (_lock)
        {
            return HubSpotWindowLocked(_clock.GetUtcNow());
        }
    }

    private WindowStats HubSpotWindowLocked(DateTimeOffset now)
    {
        var since = now - Window;
        int calls = 0, errors = 0, limited = 0;
        foreach (var sample in _hubSpot.Values.SelectMany(q => q).Where(s => s.At >= since))
        {
            calls++;
            errors += IsFailure(sample.Status) ? 1 : 0;
            limited += sample.Status == 429 ? 1 : 0;
        }

        return new WindowStats(Window, calls, errors, limited, _lastHubSpotSuccess, _lastHubSpotFailure, _lastHubSpotFailureText, _lastHubSpotFailureStatus);
    }

    /// <summary>Everything the operations page shows.</summary>
    public OperationsSnapshot Snapshot()
    {
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            var percentileSince = now - PercentileWindow;
            var operations = _hubSpot
                .Select(p => (p.Key, Samples: p.Value.Where(s => s.At >= percentileSince).ToList()))
                .Where(p => p.Samples.Count > 0)
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => new HubSpotOperationStats(
                    p.Key,
                    p.Samples.Count,
                    p.Samples.Count(s => IsFailure(s.Status)),
                    p.Samples.Count(s => s.Status == 429),
                    Percentile(p.Samples.Select(s => s.Ms), 0.50),
                    Percentile(p.Samples.Select(s => s.Ms), 0.95),
                    p.Samples.GroupBy(s => s.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key == 0 ? "none" : g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), g => g.Count())))
                .ToList();
            var scoringLatencies = _scoring.Where(s => s.Ms >= 0 && s.At >= percentileSince).Select(s => s.Ms).ToList();
            var leadsRecent = _scoring.Where(s => s.Ms < 0 && s.At >= now - Window).Sum(s => s.Leads);
            var webhooksRecent = _webhooks.Where(w => w.At >= now - Window).Sum(w => w.Events);
            var scored = Total(LeadScoringMetrics.LeadsScoredName);
            var fallbacks = Total(LeadScoringMetrics.FallbacksName);
            return new OperationsSnapshot(
                now,
                Window,
                new WebhookCounts(Total(LeadScoringMetrics.WebhookEventsName, "received"), Total(LeadScoringMetrics.WebhookEventsName, "duplicate"), Total(LeadScoringMetrics.WebhookEventsName, "rejected"), Total(LeadScoringMetrics.WebhookEventsName, "enqueued")),
                webhooksRecent / Window.TotalMinutes,
                scored,
                leadsRecent / Window.TotalMinutes,
                Percentile(scoringLatencies, 0.50),
                Percentile(scoringLatencies, 0.95),
                Total(LeadScoringMetrics.BatchRunsName, "ok"),
                Total(LeadScoringMetrics.BatchRunsName, "failed"),
                Total(LeadScoringMetrics.BatchEnqueuedName),
                fallbacks,
                scored == 0 ? 0 : (double)fallbacks / scored,
                Total(LeadScoringMetrics.PoisonMessagesName),
                _metrics.QueueDepth,
                _metrics.PoisonDepth,
                _metrics.ModelVersion,
                HubSpotWindowLocked(now),
                operations,
                _alerts.Recent());
        }
    }

    public void Dispose() => _listener.Dispose();

    private long Total(string name, string? outcome = null) => _totals.GetValueOrDefault(outcome is null ? name : $"{name}|{outcome}");

    private static double? Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        // Nearest-rank: the smallest value with at least p of the samples at or below it.
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return Math.Round(sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)], 1);
    }

    private static string Describe(TimeSpan span) =>
        span < TimeSpan.FromMinutes(2) ? $"{span.TotalSeconds:0} s" : $"{span.TotalMinutes:0} min";

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static void Trim<T>(Queue<T> queue, Func<T, DateTimeOffset> at, DateTimeOffset before)
    {
        while (queue.Count > 0 && at(queue.Peek()) < before)
        {
            queue.Dequeue();
        }
    }

    private readonly record struct HubSpotSample(DateTimeOffset At, double Ms, int Status);
}

/// <summary>HubSpot calls in the window: how many, how many failed (no response, 5xx, 401/403), how many were 429s.</summary>
/// <param name="LastFailureStatus">HTTP status of the last failure (0 = no response).</param>
public sealed record WindowStats(TimeSpan Window, int Calls, int Errors, int RateLimited, DateTimeOffset? LastSuccessAt, DateTimeOffset? LastFailureAt, string? LastFailure, int LastFailureStatus)
{
    /// <summary>HubSpot refused our credentials in the window (401/403).</summary>
    public bool AuthRefused => Errors > 0 && LastFailureStatus is 401 or 403;

    public double ErrorRate => Calls == 0 ? 0 : (double)Errors / Calls;

    public double RateLimitedRate => Calls == 0 ? 0 : (double)RateLimited / Calls;
}

/// <summary>One HubSpot operation over the last 15 minutes; latencies in milliseconds (null without calls).</summary>
public sealed record HubSpotOperationStats(string Operation, int Calls, int Errors, int RateLimited, double? P50Ms, double? P95Ms, IReadOnlyDictionary<string, int> ByStatus);

/// <summary>Webhook events since start, by outcome.</summary>
public sealed record WebhookCounts(long Received, long Duplicates, long Rejected, long Enqueued);

/// <summary>The operations page: throughput, latency, errors, queue and model, as of <paramref name="At"/>.</summary>
public sealed record OperationsSnapshot(
    DateTimeOffset At,
    TimeSpan Window,
    WebhookCounts Webhooks,
    double WebhookEventsPerMinute,
    long LeadsScored,
    double LeadsScoredPerMinute,
    double? ScoringBatchP50Ms,
    double? ScoringBatchP95Ms,
    long BatchRuns,
    long BatchRunsFailed,
    long BatchEnqueued,
    long Fallbacks,
    double FallbackRate,
    long PoisonedSinceStart,
    long QueueDepth,
    long PoisonQueueDepth,
    string ModelVersion,
    WindowStats HubSpot,
    IReadOnlyList<HubSpotOperationStats> HubSpotOperations,
    IReadOnlyList<AdminAlert> RecentAlerts);
