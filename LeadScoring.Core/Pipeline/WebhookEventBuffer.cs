using System.Globalization;
using System.Threading.Channels;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Core.Pipeline;

/// <summary>
/// Group commit for the webhook endpoint: webhook batches that arrive together go to the queue as one message, so the
/// endpoint costs one storage call per flush instead of three per webhook, and a busy endpoint gets cheaper per
/// request, not slower. A few flushes run at once so that one slow storage call does not hold every request up.
/// </summary>
public sealed partial class WebhookEventBuffer : IAsyncDisposable
{
    /// <summary>~140 bytes of JSON per event: 200 keep a message near 28 KB, well inside the queue's 64 KB after base64.</summary>
    public const int MaxEventsPerMessage = 200;

    private const int Flushers = 4;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<Submission> _pending = Channel.CreateUnbounded<Submission>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ScoreRequestQueue _queue;
    private readonly TimeProvider _clock;
    private readonly ILogger<WebhookEventBuffer> _logger;
    private readonly Task[] _flushers;

    public WebhookEventBuffer(ScoreRequestQueue queue, TimeProvider clock, ILogger<WebhookEventBuffer> logger)
    {
        _queue = queue;
        _clock = clock;
        _logger = logger;
        _flushers = [.. Enumerable.Range(0, Flushers).Select(_ => Task.Run(FlushLoopAsync))];
    }

    /// <summary>
    /// Completes when the events are on the queue. A cancelled caller stops waiting, but its events may still be
    /// written: a duplicate the worker's ledger drops, never a loss.
    /// </summary>
    public Task SubmitAsync(IReadOnlyList<AcceptedWebhookEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        var written = events.Chunk(MaxEventsPerMessage).Select(chunk =>
        {
            var submission = new Submission(chunk);
            if (!_pending.Writer.TryWrite(submission))
            {
                throw new ObjectDisposedException(nameof(WebhookEventBuffer), "The host is stopping; HubSpot will retry these events.");
            }

            return submission.Written.Task;
        }).ToList();
        return Task.WhenAll(written).WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_flushers).WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task FlushLoopAsync()
    {
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<Submission>();
            var count = 0;
            while (count < MaxEventsPerMessage && reader.TryRead(out var submission))
            {
                if (count + submission.Events.Length > MaxEventsPerMessage)
                {
                    await FlushAsync(batch).ConfigureAwait(false);
                    batch = [];
                    count = 0;
                }

                batch.Add(submission);
                count += submission.Events.Length;
            }

            if (batch.Count > 0)
            {
                await FlushAsync(batch).ConfigureAwait(false);
            }
        }
    }

    private async Task FlushAsync(List<Submission> batch)
    {
        AcceptedWebhookEvent[] events = [.. batch.SelectMany(s => s.Events)];
        try
        {
            var request = new ScoreRequest(ScoreRequestKind.WebhookEvents, events.Length.ToString(CultureInfo.InvariantCulture), "webhook", _clock.GetUtcNow(), events);
            await _queue.EnqueueAsync(request, _stopping.Token).ConfigureAwait(false);
            batch.ForEach(s => s.Written.TrySetResult());
        }
        catch (Exception ex)
        {
            // Every waiting request answers with an error and HubSpot retries it; the flush loop itself carries on.
            LogFlushFailed(_logger, ex, events.Length);
            batch.ForEach(s => s.Written.TrySetException(ex));
        }
    }

    private sealed record Submission(AcceptedWebhookEvent[] Events)
    {
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queueing {Count} webhook events failed; their requests answer with an error and HubSpot retries them")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int count);
}
