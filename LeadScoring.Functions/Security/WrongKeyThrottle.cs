using System.Collections.Concurrent;
using LeadScoring.Core.Alerts;
using LeadScoring.Core.Security;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Security;

/// <summary>
/// Wrong-key throttling per client: after LEAD_SCORE_AUTH_FAILURE_LIMIT wrong keys (x-functions-key or sign-in) within
/// LEAD_SCORE_AUTH_FAILURE_WINDOW, that client's key checks answer 429 with Retry-After until the window has moved past
/// them — without looking at the key, so a blocked client learns nothing from its guesses. Other clients are not
/// affected, nor are sessions. Counted in memory per instance (a client spread over n instances gets n × the limit),
/// and the first burst raises an admin alert.
/// </summary>
internal sealed class WrongKeyThrottle(IOptions<AuthSettings> settings, TimeProvider clock, AdminAlerts alerts)
{
    private const int MaxTrackedClients = 10_000;

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    /// <summary>How long the client must wait, or null when its key may be checked.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        if (!_failures.TryGetValue(client, out var times))
        {
            return null;
        }

        var (limit, window, now) = (settings.Value.FailureLimit, settings.Value.FailureWindow, clock.GetUtcNow());
        lock (times)
        {
            Expire(times, now - window);
            return times.Count >= limit ? times.Peek() + window - now : null;
        }
    }

    /// <summary>Counts a wrong key from the client; the failure that reaches the limit raises the alert.</summary>
    public void Failed(string client)
    {
        var (limit, window, now) = (settings.Value.FailureLimit, settings.Value.FailureWindow, clock.GetUtcNow());
        if (_failures.Count > MaxTrackedClients)
        {
            Prune(now - window);
        }

        var times = _failures.GetOrAdd(client, _ => new Queue<DateTimeOffset>());
        bool burst;
        lock (times)
        {
            Expire(times, now - window);
            times.Enqueue(now);
            burst = times.Count == limit;
        }

        if (burst)
        {
            // No address in the text: alerts carry codes and counts, never personal data.
            alerts.Raise(AlertKind.WrongKeyBurst, $"{limit} wrong caller keys from one client within {window}; its key checks answer 429 until the window passes");
        }
    }

    private static void Expire(Queue<DateTimeOffset> times, DateTimeOffset before)
    {
        while (times.Count > 0 && times.Peek() <= before)
        {
            times.Dequeue();
        }
    }

    private void Prune(DateTimeOffset before)
    {
        foreach (var (client, times) in _failures)
        {
            lock (times)
            {
                Expire(times, before);
                if (times.Count == 0)
                {
                    _failures.TryRemove(client, out _);
                }
            }
        }
    }
}
