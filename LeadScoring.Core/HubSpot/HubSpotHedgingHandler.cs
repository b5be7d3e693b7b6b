using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using LeadScoring.Core.Monitoring;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Hedging;
using Polly.Timeout;

namespace LeadScoring.Core.HubSpot;

/// <summary>
/// Hedging for the calls that may safely be sent twice (reads, searches, and batch updates, which set the same values):
/// when an attempt has had its rate-budget slot and is still unanswered after <see cref="HubSpotLatency.HedgingDelay"/>,
/// a second one goes (with its own slot — a search's from the search budget, so HubSpot's 5-per-second search limit
/// holds) while the first keeps running, and the first good answer wins; an attempt
/// answering 5xx, 408, a timeout or a dropped connection is followed at once by the next. So a call HubSpot lets hang
/// costs a hedging delay (a few times its usual latency) rather than a 10-second attempt timeout, and a 5xx costs a
/// round trip rather than a back-off. At most <see cref="HubSpotClientOptions.MaxAttempts"/> attempts in all; 429s are
/// not hedged (the retry outside honours Retry-After), nor are 401/403 and other refusals. The first attempt has its
/// slot from the resilience pipeline outside, and each hedge waits for its own before its attempt timeout starts, so
/// neither the hedging delay nor an attempt timeout ever counts a wait for budget.
/// </summary>
internal sealed class HubSpotHedgingHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("hubspot.hedging.request");
    private static readonly ResiliencePropertyKey<byte[]?> BodyKey = new("hubspot.hedging.body");
    private static readonly ResiliencePropertyKey<bool> HedgeKey = new("hubspot.hedging.hedge");
    private static readonly ResiliencePropertyKey<string> OperationKey = new("hubspot.hedging.operation");

    private readonly HubSpotRateBudget _budget;
    private readonly HubSpotLatency _latency;
    private readonly TimeProvider _clock;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public HubSpotHedgingHandler(HubSpotRateBudget budget, HubSpotLatency latency, IOptions<HubSpotClientOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        (_budget, _latency, _clock) = (budget, latency, clock);
        var o = options.Value;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock };
        // HubSpot__MaxAttempts=1: one attempt, no hedge (Polly's hedging needs at least one).
        if (o.MaxAttempts > 1)
        {
            builder.AddHedging(new HedgingStrategyOptions<HttpResponseMessage>
            {
                MaxHedgedAttempts = o.MaxAttempts - 1,
                ShouldHandle = args => ValueTask.FromResult(IsHedgeable(args.Outcome, args.Context.CancellationToken.IsCancellationRequested)),
                DelayGenerator = args => ValueTask.FromResult(latency.HedgingDelay(args.Context.Properties.GetValue(OperationKey, ""))),
                ActionGenerator = args =>
                {
                    args.ActionContext.Properties.Set(HedgeKey, true);
                    return () => HedgeAsync(args.ActionContext, args.Callback);
                },
            });
        }

        // Each attempt's timeout follows HubSpot's latency too: once every attempt is sent, a hung one is all that is left
        // to wait for, and waiting 10 s for a call that usually takes 20 ms only holds up the split that follows.
        _pipeline = builder.AddTimeout(new TimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(latency.AttemptTimeout(args.Context.Properties.GetValue(OperationKey, ""))),
        }).Build();
    }

    /// <summary>Whether a request may be sent again while an earlier copy may still be under way (it changes nothing, or sets the same values again).</summary>
    public static bool IsHedged(HttpRequestMessage? request) =>
        HubSpotRateLimitHandler.PathOf(request) is { } path
        && (request!.Method == HttpMethod.Get
            || (request.Method == HttpMethod.Post && (path.EndsWith("/batch/read", StringComparison.Ordinal) || path.EndsWith("/batch/update", StringComparison.Ordinal)
                || path.EndsWith("/search", StringComparison.Ordinal))));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsHedged(request))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(RequestKey, request);
            context.Properties.Set(BodyKey, request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            context.Properties.Set(OperationKey, HubSpotMetricsHandler.OperationOf(request.Method, request.RequestUri));
            var outcome = await _pipeline.ExecuteOutcomeAsync(static (c, self) => self.AttemptAsync(c), context, this).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    // Transient, but not 429: a rate limit is waited out by the retry outside, not answered with more calls.
    private static bool IsHedgeable(Outcome<HttpResponseMessage> outcome, bool cancelled) =>
        !cancelled && outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests && HttpClientHedgingResiliencePredicates.IsTransient(outcome);

    /// <summary>
    /// A hedge waits for a rate-budget slot of its own (a search's in the search window) before its attempt (and the
    /// attempt's timeout) begins: waiting for our own budget is not a slow HubSpot.
    /// </summary>
    private async ValueTask<Outcome<HttpResponseMessage>> HedgeAsync(ResilienceContext context, Func<ResilienceContext, ValueTask<Outcome<HttpResponseMessage>>> attempt)
    {
        RateLimitLease lease;
        try
        {
            lease = await _budget.AcquireAsync(HubSpotRateLimitHandler.IsSearch(context.Properties.GetValue(RequestKey, null!)), HubSpotWork.Lane, context.CancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the outcome carries the exception to the hedging strategy, which decides
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Outcome.FromException<HttpResponseMessage>(ex);
        }

        using (lease)
        {
            return await attempt(context).ConfigureAwait(false);
        }
    }

    /// <summary>One attempt: the request itself, or for a hedge a copy of it (its slot taken in <see cref="HedgeAsync"/>).</summary>
    private async ValueTask<Outcome<HttpResponseMessage>> AttemptAsync(ResilienceContext context)
    {
        var request = context.Properties.GetValue(RequestKey, null!);
        var operation = context.Properties.GetValue(OperationKey, "");
        var started = _clock.GetTimestamp();
        try
        {
            HttpResponseMessage response;
            if (context.Properties.GetValue(HedgeKey, false))
            {
                response = await base.SendAsync(Copy(request, context.Properties.GetValue(BodyKey, null)), context.CancellationToken).ConfigureAwait(false);
                _budget.Observe(response);
            }
            else
            {
                response = await base.SendAsync(request, context.CancellationToken).ConfigureAwait(false);
            }

            if (response.IsSuccessStatusCode)
            {
                _latency.Record(operation, _clock.GetElapsedTime(started));
            }

            return Outcome.FromResult(response);
        }
#pragma warning disable CA1031 // the outcome carries the exception to the hedging strategy, which decides
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Outcome.FromException<HttpResponseMessage>(ex);
        }
    }

    /// <summary>A copy to send while the original may still be in flight (a request message is not sent twice at once).</summary>
    private static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var header in request.Content!.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return copy;
    }
}

/// <summary>
/// How long HubSpot takes to answer, per operation (method and path with ids as {id}): the last answers' median, for
/// sizing the hedging delay from what HubSpot really does rather than from a guess.
/// </summary>
public sealed class HubSpotLatency(IOptions<HubSpotClientOptions> options)
{
    /// <summary>Answers remembered per operation.</summary>
    internal const int Samples = 32;

    /// <summary>Answers of an operation needed before its own median is used (until then, every operation's).</summary>
    internal const int MinSamples = 5;

    /// <summary>The hedging delay is this many times the median answer: well past the usual spread, far short of a hang.</summary>
    internal const int MedianMultiple = 4;

    /// <summary>A hedged attempt is given up after this many hedging delays (32 × the median answer; at most the attempt timeout).</summary>
    internal const int AttemptTimeoutMultiple = 8;

    private readonly ConcurrentDictionary<string, Window> _operations = new(StringComparer.Ordinal);
    private readonly Window _all = new();

    public void Record(string operation, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(operation);
        _operations.GetOrAdd(operation, _ => new Window()).Add(elapsed);
        _all.Add(elapsed);
    }

    /// <summary>
    /// When to send the next copy of an unanswered call: <see cref="MedianMultiple"/> × the operation's median answer
    /// (every operation's while it has fewer than <see cref="MinSamples"/>), between
    /// <see cref="HubSpotClientOptions.MinHedgingDelay"/> and <see cref="HubSpotClientOptions.HedgingDelay"/>;
    /// <see cref="HubSpotClientOptions.HedgingDelay"/> before any answer.
    /// </summary>
    public TimeSpan HedgingDelay(string operation)
    {
        var o = options.Value;
        var median = (_operations.TryGetValue(operation ?? "", out var own) ? own.Median(MinSamples) : null) ?? _all.Median(1);
        if (median is not { } m)
        {
            return o.HedgingDelay;
        }

        var delay = m * MedianMultiple;
        return delay < o.MinHedgingDelay ? o.MinHedgingDelay : delay > o.HedgingDelay ? o.HedgingDelay : delay;
    }

    /// <summary>
    /// How long one attempt of a hedged call may take: <see cref="AttemptTimeoutMultiple"/> × its hedging delay (2 s at
    /// the least, with the default 250 ms floor), at most <see cref="HubSpotClientOptions.AttemptTimeout"/>.
    /// </summary>
    public TimeSpan AttemptTimeout(string operation)
    {
        var timeout = HedgingDelay(operation) * AttemptTimeoutMultiple;
        var most = options.Value.AttemptTimeout;
        return timeout < most ? timeout : most;
    }

    private sealed class Window
    {
        private readonly Lock _gate = new();
        private readonly TimeSpan[] _samples = new TimeSpan[Samples];
        private int _count;
        private int _next;

        public void Add(TimeSpan elapsed)
        {
            lock (_gate)
            {
                _samples[_next] = elapsed;
                _next = (_next + 1) % Samples;
                _count = Math.Min(_count + 1, Samples);
            }
        }

        public TimeSpan? Median(int atLeast)
        {
            TimeSpan[] copy;
            lock (_gate)
            {
                if (_count < atLeast)
                {
                    return null;
                }

                copy = _samples[.._count];
            }

            Array.Sort(copy);
            return copy[copy.Length / 2];
        }
    }
}
