using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator.Api;

namespace LeadScoring.HubSpotEmulator.Webhooks;

/// <summary>
/// Delivers queued events to the webhook URL as HubSpot does: JSON arrays of at most 100 events, v2 and v3 signed,
/// a 5-second timeout, up to 10 retries (timeouts, connection failures, any non-2xx) with exponential back-off and
/// jitter, <c>attemptNumber</c> counting up. At most 10 batches are in flight, like HubSpot's default per account.
/// </summary>
internal sealed partial class WebhookDispatcher(
    EmulatorOptions options, WebhookPublisher publisher, DeliveryLog log, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int MaxBatch = 100;
    private const int MaxInFlight = 10;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromHours(8);

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = options.WebhookTimeout })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);

    private readonly Random _jitter = new(options.Seed);
    private readonly Lock _jitterGate = new();
    private long _deliveries;

    public override void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.WebhookUrl is null)
        {
            return;
        }

        var running = new List<Task>();
        try
        {
            var pending = new List<WebhookEvent>();
            while (await publisher.Reader.WaitToReadAsync(stoppingToken))
            {
                // Everything queued so far goes out together, in batches of at most 100.
                while (publisher.Reader.TryRead(out var events))
                {
                    pending.AddRange(events);
                }

                foreach (var batch in pending.Chunk(MaxBatch))
                {
                    await _inFlight.WaitAsync(stoppingToken);
                    running.RemoveAll(t => t.IsCompleted);
                    running.Add(DeliverAsync(batch, stoppingToken));
                }

                pending.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(running);
    }

    private async Task DeliverAsync(WebhookEvent[] batch, CancellationToken stoppingToken)
    {
        var deliveryId = Interlocked.Increment(ref _deliveries);
        var eventIds = batch.Select(e => e.EventId).ToArray();
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var (status, error) = await SendAsync(batch, attempt, deliveryId, eventIds, stoppingToken);
                if (status is >= 200 and < 300)
                {
                    return;
                }

                if (attempt >= options.WebhookMaxRetries)
                {
                    LogAbandoned(logger, deliveryId, attempt + 1, status?.ToString(CultureInfo.InvariantCulture) ?? error);
                    log.Add(new DeliveryAttempt(deliveryId, attempt, batch.Length, eventIds, status, error, "abandoned", options.TimeProvider.GetUtcNow(), 0));
                    return;
                }

                await Task.Delay(RetryDelay(attempt), options.TimeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task<(int? Status, string? Error)> SendAsync(
        WebhookEvent[] batch, int attempt, long deliveryId, long[] eventIds, CancellationToken stoppingToken)
    {
        var url = options.WebhookUrl!.OriginalString;
        var body = new JsonArray([.. batch.Select(e => (JsonNode)e.ToJson(attempt))]).ToJsonString(JsonResults.Options);
        var timestamp = options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.WebhookUrl);
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-HubSpot-Signature-v3", WebhookSigner.V3(options.ClientSecret, "POST", url, body, timestamp));
        request.Headers.Add("X-HubSpot-Request-Timestamp", timestamp);
        request.Headers.Add("X-HubSpot-Signature", WebhookSigner.V2(options.ClientSecret, "POST", url, body));
        request.Headers.Add("X-HubSpot-Signature-Version", "v2");
        request.Headers.TryAddWithoutValidation("User-Agent", "HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nextgen)");

        using var timeout = new CancellationTokenSource(options.WebhookTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        var started = Stopwatch.GetTimestamp();
        var at = options.TimeProvider.GetUtcNow();
        int? status = null;
        string? error = null;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            status = (int)response.StatusCode;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            error = $"timeout after {options.WebhookTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
        }
        catch (HttpRequestException e)
        {
            error = $"connection failure: {e.Message}";
        }

        var outcome = status is >= 200 and < 300 ? "delivered" : "failed";
        log.Add(new DeliveryAttempt(deliveryId, attempt, batch.Length, eventIds, status, error, outcome, at, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        return (status, error);
    }

    /// <summary>3, 6, 12, … minutes capped at 8 h (ten retries span about a day, as HubSpot's do), ±20 % jitter, times the scale.</summary>
    private TimeSpan RetryDelay(int attempt)
    {
        double jitter;
        lock (_jitterGate)
        {
            jitter = 0.8 + (0.4 * _jitter.NextDouble());
        }

        var delay = Math.Min(FirstRetryDelay.TotalMilliseconds * Math.Pow(2, attempt), LongestRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * jitter * options.WebhookRetryScale);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} abandoned after {Attempts} attempts (last: {Last}).")]
    private static partial void LogAbandoned(ILogger logger, long deliveryId, int attempts, string? last);
}
