using System.Threading.Channels;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Alerts;

/// <summary>What an admin is told about.</summary>
public enum AlertKind
{
    /// <summary>A score request gave up and went to the poison queue.</summary>
    PoisonMessage,

    /// <summary>HubSpot calls failing above LEAD_SCORE_ALERT_ERROR_RATE over LEAD_SCORE_ALERT_WINDOW.</summary>
    ErrorRate,

    /// <summary>HubSpot answered 401/403: the token or app was revoked, or lacks a scope.</summary>
    HubSpotAuthFailure,

    /// <summary>A retrained model was not promoted (worse than the current one, or failed a guard rail).</summary>
    ModelPromotionRefused,

    /// <summary>A client sent LEAD_SCORE_AUTH_FAILURE_LIMIT wrong keys within LEAD_SCORE_AUTH_FAILURE_WINDOW: someone may be guessing keys.</summary>
    WrongKeyBurst,
}

/// <summary>One notification; <paramref name="Suppressed"/> counts alerts of the same kind held back since the previous one.</summary>
public sealed record AdminAlert(AlertKind Kind, string Text, DateTimeOffset At, int Suppressed);

/// <summary>Where alerts go (the incoming webhook of Teams or Slack, or nowhere).</summary>
public interface IAlertSink
{
    Task SendAsync(AdminAlert alert, CancellationToken cancellationToken = default);
}

/// <summary>
/// Raises admin alerts, deduplicated and rate-limited per kind: after one is sent, more of that kind within
/// LEAD_SCORE_ALERT_QUIET_PERIOD are only counted (the next message says how many), so an outage sends one message,
/// not a thousand. Thread-safe and non-blocking: alerts wait in a small outbox that <see cref="AlertDispatcher"/> sends.
/// </summary>
public sealed class AdminAlerts(TimeProvider clock, IOptions<LeadScoringSettings> settings)
{
    private const int RecentCapacity = 20;

    private readonly Lock _lock = new();
    private readonly Dictionary<AlertKind, (DateTimeOffset SentAt, int Suppressed)> _state = [];
    private readonly LinkedList<AdminAlert> _recent = new();
    private readonly Channel<AdminAlert> _outbox = Channel.CreateBounded<AdminAlert>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Alerts waiting to be sent.</summary>
    public ChannelReader<AdminAlert> Outbox => _outbox.Reader;

    /// <summary>Raises an alert; returns true when it will be sent, false when it was folded into a recent one of its kind.</summary>
    /// <param name="text">What happened, for a human: ids and codes only, never PII or secrets.</param>
    public bool Raise(AlertKind kind, string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var now = clock.GetUtcNow();
        AdminAlert alert;
        lock (_lock)
        {
            if (_state.TryGetValue(kind, out var last) && now - last.SentAt < settings.Value.AlertQuietPeriod)
            {
                _state[kind] = (last.SentAt, last.Suppressed + 1);
                return false;
            }

            alert = new AdminAlert(kind, text, now, _state.TryGetValue(kind, out var previous) ? previous.Suppressed : 0);
            _state[kind] = (now, 0);
            _recent.AddFirst(alert);
            if (_recent.Count > RecentCapacity)
            {
                _recent.RemoveLast();
            }
        }

        _outbox.Writer.TryWrite(alert);
        return true;
    }

    /// <summary>For the lead's model registry: a retrained candidate was refused.</summary>
    public bool ModelPromotionRefused(string candidateVersion, string reason) =>
        Raise(AlertKind.ModelPromotionRefused, $"Model {candidateVersion} was not promoted: {reason}");

    /// <summary>The alerts sent most recently, newest first (for the operations page).</summary>
    public IReadOnlyList<AdminAlert> Recent()
    {
        lock (_lock)
        {
            return [.. _recent];
        }
    }

    /// <summary>Alerts of each kind held back since the last one sent.</summary>
    public IReadOnlyDictionary<AlertKind, int> SuppressedCounts()
    {
        lock (_lock)
        {
            return _state.ToDictionary(p => p.Key, p => p.Value.Suppressed);
        }
    }
}
