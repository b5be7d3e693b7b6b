using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.HubSpot;

/// <summary>Whose HubSpot call this is: a webhook's lead waiting to be scored, or background work that can wait.</summary>
public enum HubSpotWorkLane
{
    /// <summary>Webhook-driven and interactive work (the default for any call not marked otherwise).</summary>
    RealTime,

    /// <summary>Batch rescore, decay, retraining: never allowed the budget's real-time reserve.</summary>
    Batch,
}

/// <summary>Marks the HubSpot calls made in a scope (across awaits) as one lane's: <c>using (HubSpotWork.Enter(HubSpotWorkLane.Batch)) { … }</c>.</summary>
public static class HubSpotWork
{
    private static readonly AsyncLocal<HubSpotWorkLane?> Current = new();

    /// <summary>The lane of the calls made here and now.</summary>
    public static HubSpotWorkLane Lane => Current.Value ?? HubSpotWorkLane.RealTime;

    public static IDisposable Enter(HubSpotWorkLane lane)
    {
        var previous = Current.Value;
        Current.Value = lane;
        return new Scope(previous);
    }

    private sealed class Scope(HubSpotWorkLane? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}

/// <summary>
/// Client-side pacing so 429s are rare instead of routine: a sliding 10-second window sized to a share of the
/// portal's burst limit (learned from X-HubSpot-RateLimit-Max), and a separate per-second window for search,
/// which has its own limit and sends no headers. Batch calls also pass a second window that is
/// <see cref="HubSpotClientOptions.RealTimeReservePer10Seconds"/> smaller, so a whole-portal batch never takes the
/// slots a webhook's lead needs, and batch calls wait while a real-time call is waiting. After HubSpot's DAILY 429 every call fails fast until the portal's midnight.
/// Shared by every HubSpot call of the process.
/// </summary>
public sealed class HubSpotRateBudget : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan YieldPoll = TimeSpan.FromMilliseconds(20);
    private readonly HubSpotClientOptions _options;
    private readonly TimeProvider _clock;
    private readonly RateLimiter _search;
    private readonly Lock _lock = new();
    private RateLimiter _general;
    private RateLimiter _batch;
    private int _generalLimit;
    private long _dailyLimitedUntilTicks; // UTC ticks; 0 = not limited
    private int _realTimeWaiting;
    private readonly Queue<long> _realTimeCalls = new(); // timestamps (clock ticks) of real-time calls in the last window
    private volatile HubSpotPortalTimeZone _timeZone = HubSpotPortalTimeZone.Utc;

    public HubSpotRateBudget(IOptions<HubSpotClientOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        _options = options.Value;
        _clock = clock;
        _generalLimit = Budget(_options.RequestsPer10Seconds);
        _general = Sliding(_generalLimit, Window, 10);
        _batch = Sliding(BatchLimit(_generalLimit), Window, 10);
        _search = Sliding(Math.Max(1, _options.SearchRequestsPerSecond), TimeSpan.FromSeconds(1), 4);
    }

    /// <summary>Requests allowed per 10 seconds right now.</summary>
    public int GeneralLimit => _generalLimit;

    /// <summary>Of <see cref="GeneralLimit"/>, what batch work may use; the rest is kept for real-time work.</summary>
    public int BatchLimitPer10Seconds => BatchLimit(_generalLimit);

    /// <summary>The zone whose midnight resets HubSpot's daily allowance (UTC until account-info says otherwise).</summary>
    public HubSpotPortalTimeZone PortalTimeZone
    {
        get => _timeZone;
        set => _timeZone = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>When HubSpot's daily allowance comes back, if a DAILY 429 has stopped us; null when calls may be made.</summary>
    public DateTimeOffset? DailyLimitedUntil
    {
        get
        {
            var ticks = Interlocked.Read(ref _dailyLimitedUntilTicks);
            return ticks == 0 || _clock.GetUtcNow().UtcTicks >= ticks ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>Waits for a slot in <paramref name="lane"/>; dispose the lease when the request is done.</summary>
    /// <exception cref="HubSpotDailyLimitException">HubSpot's daily allowance is spent; no call is made until it resets.</exception>
    public async ValueTask<RateLimitLease> AcquireAsync(bool search, HubSpotWorkLane lane, CancellationToken cancellationToken)
    {
        ThrowIfDailyLimited();
        RateLimiter limiter;
        RateLimiter? batch;
        lock (_lock)
        {
            limiter = search ? _search : _general;
            batch = !search && lane == HubSpotWorkLane.Batch ? _batch : null;
        }

        // Batch first: batch work reaches the shared window only as fast as its own smaller window lets it, so the
        // shared window always has the reserve free for real-time callers. And batch yields: while a real-time call
        // waits for the shared window, no batch call joins its queue, so real-time calls are served first.
        var batchLease = batch is null ? null : Acquired(await batch.AcquireAsync(1, cancellationToken).ConfigureAwait(false));
        var realTime = !search && batch is null;
        try
        {
            // And the reserve follows demand: while webhooks are arriving, batch work leaves the shared window as many
            // free slots as real-time work used in the last window (plus one gather's burst), so a webhook's calls are
            // served at once instead of each waiting a second for the window to move.
            while (batch is not null && (Volatile.Read(ref _realTimeWaiting) > 0 || (RealTimeReserve() is > 0 and var reserve && Available(limiter) <= reserve)))
            {
                await Task.Delay(YieldPoll, _clock, cancellationToken).ConfigureAwait(false);
            }

            if (realTime)
            {
                Interlocked.Increment(ref _realTimeWaiting);
                RecordRealTimeCall();
            }

            try
            {
                var lease = Acquired(await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false));
                return batchLease is null ? lease : new BothLeases(batchLease, lease);
            }
            finally
            {
                if (realTime)
                {
                    Interlocked.Decrement(ref _realTimeWaiting);
                }
            }
        }
        catch
        {
            batchLease?.Dispose();
            throw;
        }
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
            var (oldGeneral, oldBatch) = (_general, _batch);
            _general = Sliding(budget, Window, 10);
            _batch = Sliding(BatchLimit(budget), Window, 10);
            _generalLimit = budget;
            oldGeneral.Dispose();
            oldBatch.Dispose();
        }
    }

    /// <summary>Records HubSpot's DAILY 429: no call until the next midnight in <see cref="PortalTimeZone"/>.</summary>
    public DateTimeOffset StopForTheDay()
    {
        var until = PortalTimeZone.NextMidnight(_clock.GetUtcNow());
        Interlocked.Exchange(ref _dailyLimitedUntilTicks, until.UtcTicks);
        return until;
    }

    public void Dispose()
    {
        _general.Dispose();
        _batch.Dispose();
        _search.Dispose();
    }

    private void ThrowIfDailyLimited()
    {
        if (DailyLimitedUntil is { } until)
        {
            throw new HubSpotDailyLimitException(until);
        }
    }

    private int Budget(int limit) => Math.Max(1, (int)Math.Floor(limit * _options.RateBudgetShare));

    /// <summary>
    /// Shared-window slots batch work leaves free right now beyond its own window: none when no real-time work is about
    /// (the batch window already keeps the static reserve free), else what real-time work used in the last window plus
    /// a gather's burst, at least the static reserve and never more than half the budget, so a stream of webhooks
    /// slows a whole-portal batch but never stops it.
    /// </summary>
    internal int RealTimeReserve()
    {
        int recent;
        lock (_realTimeCalls)
        {
            Prune();
            recent = _realTimeCalls.Count;
        }

        return recent == 0 ? 0
            : Math.Min(Volatile.Read(ref _generalLimit) / 2, Math.Max(_options.RealTimeReservePer10Seconds, recent + GatherBurst));
    }

    /// <summary>The calls one real-time gather makes at once (contacts, then associations and objects by type).</summary>
    internal const int GatherBurst = 12;

    private void RecordRealTimeCall()
    {
        lock (_realTimeCalls)
        {
            Prune();
            _realTimeCalls.Enqueue(_clock.GetTimestamp());
        }
    }

    private void Prune()
    {
        var oldest = _clock.GetTimestamp() - (long)(Window.TotalSeconds * _clock.TimestampFrequency);
        while (_realTimeCalls.TryPeek(out var at) && at < oldest)
        {
            _realTimeCalls.Dequeue();
        }
    }

    private static long Available(RateLimiter limiter) => limiter.GetStatistics()?.CurrentAvailablePermits ?? long.MaxValue;

    private int BatchLimit(int budget) => Math.Max(1, budget - Math.Max(0, _options.RealTimeReservePer10Seconds));

    private static RateLimitLease Acquired(RateLimitLease lease) =>
        lease.IsAcquired ? lease : throw new HubSpotApiException("HubSpot request queue is full; too many calls are waiting for rate-limit budget.");

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

    private sealed class BothLeases(RateLimitLease first, RateLimitLease second) : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                second.Dispose();
                first.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// Takes a rate-budget slot for each attempt (retries included) in the caller's <see cref="HubSpotWork.Lane"/>,
/// learns limits from responses, and turns HubSpot's DAILY 429 into <see cref="HubSpotDailyLimitException"/>
/// (not retried: the allowance is back only at the portal's midnight).
/// </summary>
internal sealed class HubSpotRateLimitHandler(HubSpotRateBudget budget) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var search = request.RequestUri?.AbsolutePath.EndsWith("/search", StringComparison.Ordinal) == true;
        using var lease = await budget.AcquireAsync(search, HubSpotWork.Lane, cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        budget.Observe(response);
        if (response.StatusCode == HttpStatusCode.TooManyRequests && await IsDailyLimitAsync(response, cancellationToken).ConfigureAwait(false))
        {
            response.Dispose();
            throw new HubSpotDailyLimitException(budget.StopForTheDay());
        }

        return response;
    }

    private static async Task<bool> IsDailyLimitAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // A 429's body is small; buffering it keeps it readable for whoever handles the response next.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var body = text.Length > 0 ? JsonSerializer.Deserialize(text, HubSpotJsonContext.Default.HubSpotErrorBody) : null;
            return string.Equals(body?.PolicyName, "DAILY", StringComparison.OrdinalIgnoreCase);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
