using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LeadScoring.Core.Monitoring;

/// <summary>
/// The product's OpenTelemetry-compatible instruments (System.Diagnostics.Metrics): exported by OTLP when configured,
/// and read in-process by <see cref="OperationsMonitor"/> for /api/ops and the dashboard. Tags carry ids and codes only.
/// </summary>
public sealed class LeadScoringMetrics : IDisposable
{
    public const string MeterName = "LeadScoring";

    /// <summary>Traces: one activity per scoring batch, webhook batch and HubSpot call (the HTTP instrumentation adds its own).</summary>
    public static readonly ActivitySource ActivitySource = new(MeterName);

    public const string WebhookEventsName = "leadscoring.webhook.events";
    public const string ScoringDurationName = "leadscoring.scoring.duration";
    public const string LeadsScoredName = "leadscoring.leads.scored";
    public const string HubSpotDurationName = "leadscoring.hubspot.request.duration";
    public const string HubSpotRateLimitedName = "leadscoring.hubspot.rate_limited";
    public const string FallbacksName = "leadscoring.scoring.fallbacks";
    public const string BatchRunsName = "leadscoring.batch.runs";
    public const string BatchEnqueuedName = "leadscoring.batch.enqueued";
    public const string PoisonMessagesName = "leadscoring.queue.poisoned";
    public const string QueueDepthName = "leadscoring.queue.depth";
    public const string ModelVersionName = "leadscoring.model.in_use";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _webhookEvents;
    private readonly Histogram<double> _scoringDuration;
    private readonly Counter<long> _leadsScored;
    private readonly Histogram<double> _hubSpotDuration;
    private readonly Counter<long> _hubSpotRateLimited;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _batchRuns;
    private readonly Counter<long> _batchEnqueued;
    private readonly Counter<long> _poisoned;
    private long _queueDepth;
    private long _poisonDepth;
    private volatile string _rulesVersion = "unknown";
    private volatile string? _closeModelVersion;

    /// <summary>With a factory (the host's DI), each container gets its own meter, so two hosts in one process do not mix numbers.</summary>
    public LeadScoringMetrics(IMeterFactory? factory = null)
    {
        _ownsMeter = factory is null;
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _webhookEvents = _meter.CreateCounter<long>(WebhookEventsName, "{event}", "HubSpot webhook events by outcome: received, duplicate, rejected, enqueued");
        _scoringDuration = _meter.CreateHistogram<double>(ScoringDurationName, "ms", "Time to gather, score and write back one batch of leads");
        _leadsScored = _meter.CreateCounter<long>(LeadsScoredName, "{lead}", "Leads scored");
        _hubSpotDuration = _meter.CreateHistogram<double>(HubSpotDurationName, "ms", "HubSpot API latency per attempt, by operation and status");
        _hubSpotRateLimited = _meter.CreateCounter<long>(HubSpotRateLimitedName, "{response}", "HubSpot 429 responses by operation");
        _fallbacks = _meter.CreateCounter<long>(FallbacksName, "{lead}", "Scores where the deterministic fallback replaced the AI analyst");
        _batchRuns = _meter.CreateCounter<long>(BatchRunsName, "{run}", "Batch rescore runs by outcome");
        _batchEnqueued = _meter.CreateCounter<long>(BatchEnqueuedName, "{request}", "Score requests enqueued by batch rescores");
        _poisoned = _meter.CreateCounter<long>(PoisonMessagesName, "{message}", "Messages moved to the poison queue");
        _meter.CreateObservableGauge(QueueDepthName, () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref _queueDepth), new KeyValuePair<string, object?>("queue", "score-requests")),
            new Measurement<long>(Interlocked.Read(ref _poisonDepth), new KeyValuePair<string, object?>("queue", "score-requests-poison")),
        }, "{message}", "Approximate messages waiting, as last sampled");
        _meter.CreateObservableGauge(ModelVersionName, () => new Measurement<int>(1, new KeyValuePair<string, object?>("model.version", ModelVersion)), "{model}", "The model version in use (value 1, version as tag)");
    }

    public Meter Meter => _meter;

    /// <summary>
    /// The model in use under the one name every page and every score carries (<c>LeadScore.ModelVersion</c>): the rules
    /// and profile, and <c>+</c> the close-probability model when one is in use (<c>rules-1/default@1+m20261124-140501</c>).
    /// </summary>
    public string ModelVersion => _closeModelVersion is { } close ? $"{_rulesVersion}+{close}" : _rulesVersion;

    public long QueueDepth => Interlocked.Read(ref _queueDepth);

    public long PoisonDepth => Interlocked.Read(ref _poisonDepth);

    private int _poisonSampled;

    public void WebhookEvents(string outcome, int count)
    {
        if (count > 0)
        {
            _webhookEvents.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void LeadsScored(int count, TimeSpan duration)
    {
        _scoringDuration.Record(duration.TotalMilliseconds);
        _leadsScored.Add(count);
    }

    public void HubSpotCall(string operation, int status, TimeSpan duration)
    {
        var op = new KeyValuePair<string, object?>("operation", operation);
        _hubSpotDuration.Record(duration.TotalMilliseconds, op, new KeyValuePair<string, object?>("status", status));
        if (status == 429)
        {
            _hubSpotRateLimited.Add(1, op);
        }
    }

    public void Fallback(string reason) => _fallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void BatchRan(int enqueued, bool failed)
    {
        _batchRuns.Add(1, new KeyValuePair<string, object?>("outcome", failed ? "failed" : "ok"));
        _batchEnqueued.Add(enqueued);
    }

    public void Poisoned() => _poisoned.Add(1);

    /// <summary>
    /// The queue depths as sampled. Messages are moved to the poison queue by the Functions host (after host.json's
    /// maxDequeueCount) or by an orchestration giving up, so a poison queue that grew between samples is how the app
    /// learns of them: each new one counts as poisoned (and raises the admin alert). The first sample sets the baseline.
    /// </summary>
    public void QueueSampled(long backlog, long poison)
    {
        Interlocked.Exchange(ref _queueDepth, backlog);
        var previous = Interlocked.Exchange(ref _poisonDepth, poison);
        if (Interlocked.Exchange(ref _poisonSampled, 1) == 1 && poison > previous)
        {
            _poisoned.Add(poison - previous);
        }
    }

    /// <summary>The rules and profile in use (<c>LeadScorer.ModelVersion</c>).</summary>
    public void RulesInUse(string version) => _rulesVersion = version;

    /// <summary>The close-probability model in use; null while the logistic prior is.</summary>
    public void ModelInUse(string? version) => _closeModelVersion = version;

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
