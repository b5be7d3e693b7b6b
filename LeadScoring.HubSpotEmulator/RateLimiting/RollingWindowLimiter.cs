namespace LeadScoring.HubSpotEmulator.RateLimiting;

/// <summary>At most <c>max</c> requests per key in any rolling window (HubSpot's TEN_SECONDLY_ROLLING and SECONDLY policies).</summary>
internal sealed class RollingWindowLimiter(int max, TimeSpan window, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<long>> _hits = new(StringComparer.Ordinal);

    public int Max => max;

    /// <summary>Counts the request unless the window is full; refused requests do not count.</summary>
    public (bool Allowed, int Remaining) TryAcquire(string key)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (!_hits.TryGetValue(key, out var hits))
            {
                _hits[key] = hits = new Queue<long>();
            }

            while (hits.Count > 0 && time.GetElapsedTime(hits.Peek(), now) >= window)
            {
                hits.Dequeue();
            }

            if (hits.Count >= max)
            {
                return (false, 0);
            }

            hits.Enqueue(now);
            return (true, max - hits.Count);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _hits.Clear();
        }
    }
}
