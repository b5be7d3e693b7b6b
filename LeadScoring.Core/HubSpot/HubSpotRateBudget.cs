using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.HubSpot;

/// <summary>
/// Client-side pacing so 429s are rare instead of routine: a sliding 10-second window sized to a share of the
/// portal's burst limit (learned from X-HubSpot-RateLimit-Max), and a separate per-second window for search,
/// which has its own limit and sends no headers. Shared by every HubSpot call of the process.
/// </summary>
public sealed class HubSpotRateBudget : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly HubSpotClientOptions _options;
    private readonly RateLimiter _search;
    private readonly Lock _lock = new();
    private RateLimiter _general;
    private int _generalLimit;

    public HubSpotRateBudget(IOptions<HubSpotClientOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _generalLimit = Budget(_options.RequestsPer10Seconds);
        _general = Sliding(_generalLimit, Window, 10);
        _search = Sliding(Math.Max(1, _options.SearchRequestsPerSecond), TimeSpan.FromSeconds(1), 4);
    }

    /// <summary>Requests allowed per 10 seconds right now.</summary>
    public int GeneralLimit => _generalLimit;

    /// <summary>Waits for a slot; dispose the lease when the request is done.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(bool search, CancellationToken cancellationToken)
    {
        RateLimiter limiter;
        lock (_lock)
        {
            limiter = search ? _search : _general;
        }

        var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        return lease.IsAcquired ? lease : throw new HubSpotApiException("HubSpot request queue is full; too many calls are waiting for rate-limit budget.");
    }

    /// <summary>Learns the portal's real limit from a response's X-HubSpot-RateLimit-Max.</summary>
    public void Observe(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.Headers.TryGetValues("X-HubSpot-RateLimit-Max", out var values)
            || !int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max <= 0)
        {
            return;
        }

        var budget = Budget(max);
        lock (_lock)
        {
            if (budget == _generalLimit)
            {
                return;
            }

            // Leases already granted stay valid; only new requests use the new size.
            var old = _general;
            _general = Sliding(budget, Window, 10);
            _generalLimit = budget;
            old.Dispose();
        }
    }

    public void Dispose()
    {
        _general.Dispose();
        _search.Dispose();
    }

    private int Budget(int limit) => Math.Max(1, (int)Math.Floor(limit * _options.RateBudgetShare));

    /// <summary>
    /// A sliding window one segment longer than HubSpot's: the limiter forgets a request when its segment expires,
    /// which for a request made late in a segment would be before HubSpot's exact rolling window forgets it.
    /// </summary>
    private static SlidingWindowRateLimiter Sliding(int permits, TimeSpan window, int segments) => new(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = permits,
        Window = window + (window / segments),
        SegmentsPerWindow = segments + 1,
        QueueLimit = 10_000,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });
}

/// <summary>Takes a rate-budget slot for each attempt (retries included) and learns limits from responses.</summary>
internal sealed class HubSpotRateLimitHandler(HubSpotRateBudget budget) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var search = request.RequestUri?.AbsolutePath.EndsWith("/search", StringComparison.Ordinal) == true;
        using var lease = await budget.AcquireAsync(search, cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        budget.Observe(response);
        return response;
    }
}
