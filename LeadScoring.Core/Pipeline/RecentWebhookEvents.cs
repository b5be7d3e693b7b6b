using LeadScoring.Core.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace LeadScoring.Core.Pipeline;

/// <summary>
/// The keys of webhook events this instance queued lately, so an immediate redelivery (HubSpot's retry, a doubled
/// send) is answered as a duplicate without a storage call. Only a shortcut: the worker's ledger check is what makes
/// dedupe hold across instances and restarts.
/// </summary>
public sealed class RecentWebhookEvents : IDisposable
{
    /// <summary>HubSpot retries within minutes; an hour of keys is ~64 bytes each, capped by <see cref="Capacity"/>.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public const int Capacity = 100_000;

    private readonly MemoryCache _keys = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public bool Contains(string key) => _keys.TryGetValue(key, out _);

    public void Remember(IEnumerable<AcceptedWebhookEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            _keys.Set(e.Key, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Window });
        }
    }

    public void Dispose() => _keys.Dispose();
}
