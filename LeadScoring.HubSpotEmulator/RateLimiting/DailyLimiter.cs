namespace LeadScoring.HubSpotEmulator.RateLimiting;

/// <summary>Requests per key per UTC day (HubSpot resets at midnight in the account's time zone; the emulator's is UTC).</summary>
internal sealed class DailyLimiter(int max, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateOnly Day, int Count)> _counts = new(StringComparer.Ordinal);

    public int Max => max;

    public (bool Allowed, int Remaining) TryAcquire(string key)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        lock (_gate)
        {
            var (day, count) = _counts.GetValueOrDefault(key);
            if (day != today)
            {
                count = 0;
            }

            if (count >= max)
            {
                return (false, 0);
            }

            _counts[key] = (today, count + 1);
            return (true, max - count - 1);
        }
    }

    public int Remaining(string key)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        lock (_gate)
        {
            var (day, count) = _counts.GetValueOrDefault(key);
            return day == today ? max - count : max;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _counts.Clear();
        }
    }
}
