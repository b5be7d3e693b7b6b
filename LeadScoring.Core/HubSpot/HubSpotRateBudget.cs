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
    private static readonly AsyncLocal<HubSpotCallTimes?> Measuring = new();

    /// <summary>The lane of the calls made here and now.</summary>
    public static HubSpotWorkLane Lane => Current.Value ?? HubSpotWorkLane.RealTime;

    /// <summary>Where the calls made here and now record their times, if someone is measuring them.</summary>
    internal static HubSpotCallTimes? Times => Measuring.Value;

    public static IDisposable Enter(HubSpotWorkLane lane)
    {
        var previous = Current.Value;
        Current.Value = lane;
        return new Scope(() => Current.Value = previous);
    }

    /// <summary>Collects the rate-budget waits and HubSpot times of the calls made in the scope, until it is disposed.</summary>
    public static IDisposable Measure(HubSpotCallTimes times)
    {
        var previous = Measuring.Value;
        Measuring.Value = times;
        return new Scope(() => Measuring.Value = previous);
    }

    private sealed class Scope(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}

/// <summary>
/// What a piece of work's HubSpot calls spent their time on: waiting for our own rate budget, or HubSpot answering.
/// Calls run in parallel, so the sums are not elapsed time; the maxima show what one call on the critical path cost.
/// </summary>
public sealed class HubSpotCallTimes
{
    private long _waits;
    private long _waitTicks;
    private long _maxWaitTicks;
    private long _calls;
    private long _callTicks;
    private long _maxCallTicks;

    /// <summary>Rate-budget slots taken (hedges and retries included).</summary>
    public long Waits => Interlocked.Read(ref _waits);

    public TimeSpan TotalWait => TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks));

    public TimeSpan MaxWait => TimeSpan.FromTicks(Interlocked.Read(ref _maxWaitTicks));

    /// <summary>HTTP attempts sent to HubSpot.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    public TimeSpan TotalCall => TimeSpan.FromTicks(Interlocked.Read(ref _callTicks));

    public TimeSpan MaxCall => TimeSpan.FromTicks(Interlocked.Read(ref _maxCallTicks));

    internal void BudgetWaited(TimeSpan wait) => Add(ref _waits, ref _waitTicks, ref _maxWaitTicks, wait);

    internal void Called(TimeSpan elapsed) => Add(ref _calls, ref _callTicks, ref _maxCallTicks, elapsed);

    private static void Add(ref long count, ref long total, ref long max, TimeSpan value)
    {
        Interlocked.Increment(ref count);
        Interlocked.Add(ref total, value.Ticks);
        long seen;
        while (value.Ticks > (seen = Interlocked.Read(ref max)) && Interlocked.CompareExchange(ref max, value.Ticks, seen) != seen)
        {
        }
    }
}

/// <summary>
/// Client-side pacing so 429s are rare instead of routine: a sliding 10-second window sized to a share of the
/// portal's burst limit (learned from X-HubSpot-RateLimit-Max), and a separate per-second window for search,
/// which has its own limit and sends no headers. Real-time calls queue on the shared window; batch calls never do:
/// one at a time they take a slot only while no real-time call is waiting and more than the reserve is free
/// (<see cref="HubSpotClientOptions.RealTimeReservePer10Seconds"/>, more while webhooks arrive), so a whole-portal
/// batch never takes the slots a webhook's lead needs and a webhook's call never queues behind batch calls.
/// After HubSpot's DAILY 429 every call fails fast until the portal's midnight. Shared by every HubSpot call of the process.
/// </summary>
public sealed class HubSpotRateBudget : IDisposable
{
    private static readonly TimeSpan YieldPoll = TimeSpan.FromMilliseconds(20);
    private readonly TimeSpan _window;
    private readonly HubSpotClientOptions _options;
    private readonly TimeProvider _clock;
    private readonly RateLimiter _search;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _batchTurn = new(1, 1);
    private RateLimiter _general;
    private int _generalLimit;
    private long _dailyLimitedUntilTicks; // UTC ticks; 0 = not limited
    private int _realTimeWaiting;
    private readonly Queue<long> _realTimeCalls = new(); // timestamps (clock ticks) of real-time calls in the last window
    private volatile HubSpotPortalTimeZone _timeZone = HubSpotPortalTimeZone.Utc;

    public HubSpotRateBudget(IOptions<HubSpotClientOptions> options, TimeProvider clock)
        : this(options, clock, TimeSpan.FromSeconds(10))
    {
    }

    /// <summary>With a window other than HubSpot's 10 seconds (tests: the limiter replenishes on real timers).</summary>
    internal HubSpotRateBudget(IOptions<HubSpotClientOptions> options, TimeProvider clock, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        _options = options.Value;
        _clock = clock;
        _window = window;
        _generalLimit = Budget(_options.RequestsPer10Seconds);
        _general = Sliding(_generalLimit, _window, 10);
        // Two segments longer: in a 1-second window the time a call takes to reach HubSpot (a new connection after a
        // hung call was given up, a cold start) is a large share, and calls granted ~1 s apart could arrive closer.
        _search = Sliding(Math.Max(1, _options.SearchRequestsPerSecond), TimeSpan.FromSeconds(1), 4, extraSegments: 2);
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
        var started = _clock.GetTimestamp();
        try
        {
            return search ? Acquired(await _search.AcquireAsync(1, cancellationToken).ConfigureAwait(false))
                : lane == HubSpotWorkLane.Batch ? await AcquireBatchAsync(cancellationToken).ConfigureAwait(false)
                : await AcquireRealTimeAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            HubSpotWork.Times?.BudgetWaited(_clock.GetElapsedTime(started));
        }
    }

    private async ValueTask<RateLimitLease> AcquireRealTimeAsync(CancellationToken cancellationToken)
    {
        RateLimiter limiter;
        lock (_lock)
        {
            limiter = _general;
        }

        Interlocked.Increment(ref _realTimeWaiting);
        RecordRealTimeCall();
        try
        {
            return Acquired(await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            Interlocked.Decrement(ref _realTimeWaiting);
        }
    }

    /// <summary>
    /// A batch call takes a shared slot only by a non-queueing attempt (which a waiting real-time call always beats),
    /// and only while more than the reserve is free: the check and the take are one step, and one batch call at a
    /// time makes it, so a crowd of batch calls can neither overshoot the reserve nor stand in the real-time queue.
    /// </summary>
    private async ValueTask<RateLimitLease> AcquireBatchAsync(CancellationToken cancellationToken)
    {
        await _batchTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                lock (_lock)
                {
                    if (Volatile.Read(ref _realTimeWaiting) == 0 && Available(_general) > Math.Max(_generalLimit - BatchLimit(_generalLimit), RealTimeReserve()))
                    {
                        var lease = _general.AttemptAcquire(1);
                        if (lease.IsAcquired)
                        {
                            return lease;
                        }

                        lease.Dispose();
                    }
                }

                await Task.Delay(YieldPoll, _clock, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _batchTurn.Release();
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
            var old = _general;
            _general = Sliding(budget, _window, 10);
            _generalLimit = budget;
            old.Dispose();
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
        _search.Dispose();
        _batchTurn.Dispose();
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
    /// Shared-window slots batch work leaves free right now beyond the static reserve: none when no real-time work is
    /// about, else what real-time work used in the last window plus
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
        var oldest = _clock.GetTimestamp() - (long)(_window.TotalSeconds * _clock.TimestampFrequency);
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
    private static SlidingWindowRateLimiter Sliding(int permits, TimeSpan window, int segments, int extraSegments = 1) => new(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = permits,
        Window = window + (window * extraSegments / segments),
        SegmentsPerWindow = segments + extraSegments,
        QueueLimit = 10_000,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });
}

/// <summary>
/// Learns limits from responses, and turns HubSpot's DAILY 429 into <see cref="HubSpotDailyLimitException"/>
/// (not retried: the allowance is back only at the portal's midnight). The slot itself is taken by the resilience
/// pipeline (<see cref="HubSpotServiceCollectionExtensions"/>), before an attempt's timeout starts.
/// </summary>
internal sealed class HubSpotRateLimitHandler(HubSpotRateBudget budget) : DelegatingHandler
{
    /// <summary>Search has a rate limit of its own.</summary>
    public static bool IsSearch(HttpRequestMessage? request) => PathOf(request)?.EndsWith("/search", StringComparison.Ordinal) == true;

    /// <summary>The request's path without its query, whether the URI is absolute yet (in the pipeline, before the base address) or not.</summary>
    internal static string? PathOf(HttpRequestMessage? request) =>
        request?.RequestUri is not { } uri ? null : uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
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
