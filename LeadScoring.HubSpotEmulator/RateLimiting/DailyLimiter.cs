namespace LeadScoring.HubSpotEmulator.RateLimiting;

/// <summary>Requests per key per portal day: HubSpot resets the daily allowance at midnight in the account's time zone.</summary>
internal sealed class DailyLimiter(int max, PortalTimeZone zone, TimeProvider time)
{
    private readonly Lock _gate = new();

    // Used may go below zero when an admin grants more than the maximum for the rest of the day.
    private readonly Dictionary<string, (DateOnly Day, long Used)> _counts = new(StringComparer.Ordinal);

    public int Max => max;

    public (bool Allowed, long Remaining) TryAcquire(string key)
    {
        var today = zone.DayAt(time.GetUtcNow());
        lock (_gate)
        {
            var used = UsedToday(key, today);
            if (used >= max)
            {
                return (false, 0);
            }

            _counts[key] = (today, used + 1);
            return (true, max - used - 1);
        }
    }

    public long Remaining(string key)
    {
        var today = zone.DayAt(time.GetUtcNow());
        lock (_gate)
        {
            return Math.Max(0, max - UsedToday(key, today));
        }
    }

    /// <summary>What is left of today's allowance from now on, until the next reset.</summary>
    public void SetRemaining(string key, long remaining)
    {
        var today = zone.DayAt(time.GetUtcNow());
        lock (_gate)
        {
            _counts[key] = (today, max - remaining);
        }
    }

    /// <summary>When the current portal day ends and the allowance is full again.</summary>
    public DateTimeOffset ResetsAt() => zone.NextMidnight(time.GetUtcNow());

    public void Clear()
    {
        lock (_gate)
        {
            _counts.Clear();
        }
    }

    private long UsedToday(string key, DateOnly today) =>
        _counts.TryGetValue(key, out var entry) && entry.Day == today ? entry.Used : 0;
}
