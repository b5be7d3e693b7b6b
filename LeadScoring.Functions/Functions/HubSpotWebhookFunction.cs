using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Pipeline;
using LeadScoring.Core.Settings;
using LeadScoring.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Functions;

/// <summary>
/// <c>POST /api/hubspot/webhooks</c>: HubSpot's signed event batches. The signature authenticates the caller (no
/// function key); the events are deduplicated and queued by <see cref="WebhookIntake"/> and answered within a second.
/// They go through a Storage queue rather than straight to the Durable client: one queue write per group of
/// concurrent webhooks is the cheapest durable step before the 200 (starting an orchestration costs several storage
/// writes per call), and the queue trigger then sorts them against the ledger and starts ScoreLeads.
/// </summary>
internal sealed partial class HubSpotWebhookFunction(
    WebhookIntake intake, IOptions<LeadScoringSettings> settings, HubSpotPortal portals, TimeProvider clock, LeadScoring.Core.Monitoring.LeadScoringMetrics metrics, ILogger<HubSpotWebhookFunction> logger)
{
    /// <summary>HubSpot sends at most 100 events (~30 KB); anything near 1 MB is not HubSpot.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Answer well inside HubSpot's 5-second timeout.</summary>
    public static readonly TimeSpan IntakeDeadline = TimeSpan.FromSeconds(4);

    [Function("HubSpotWebhook")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/hubspot/webhooks")] HttpRequest request, CancellationToken cancellationToken)
    {
        var http = request.HttpContext;
        if (await RequestBody.ReadAsync(http, MaxBodyBytes, cancellationToken) is not { } body)
        {
            return TooLarge();
        }

        var s = settings.Value;
        if (string.IsNullOrEmpty(s.HubSpotClientSecret))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Webhook signature cannot be verified",
                detail: $"{LeadScoringSettings.HubSpotClientSecretName} is not set, so no webhook is trusted.");
        }

        // HubSpot signs the URL it called; behind a proxy that is the configured public URL, not what Kestrel saw.
        var uri = s.WebhookUrl?.ToString() ?? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
        var verdict = HubSpotWebhookSignature.ValidateV3(
            http.Request.Method, uri, body, http.Request.Headers["X-HubSpot-Signature-v3"], http.Request.Headers["X-HubSpot-Request-Timestamp"], s.HubSpotClientSecret, clock.GetUtcNow());
        if (verdict != WebhookSignatureResult.Valid)
        {
            metrics.WebhookEvents("rejected", 1);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid HubSpot signature", detail: verdict switch
            {
                WebhookSignatureResult.MissingHeaders => "X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp are required.",
                WebhookSignatureResult.StaleTimestamp => "X-HubSpot-Request-Timestamp is more than 5 minutes away from now.",
                _ => "X-HubSpot-Signature-v3 does not match the body, URL and timestamp.",
            });
        }

        var (parsed, error) = HubSpotWebhookParser.Parse(body);
        if (parsed is null)
        {
            metrics.WebhookEvents("rejected", 1);
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed webhook body", detail: error);
        }

        // One app (one client secret) can be installed in several portals; a correctly signed event of another portal
        // names object ids that mean other contacts here. Refused and counted, never queued. Our portal is
        // HUBSPOT_PORTAL_ID, or learned from HubSpot (account-info) when that is unset.
        if (await portals.GetAsync(cancellationToken) is not { } portal)
        {
            // Not knowing whose events these are, score none of them, and lose none: HubSpot retries a 503 (for ~24 h).
            LogPortalUnknown(logger, parsed.Count, portals.Problem ?? "not learned yet");
            http.Response.Headers.RetryAfter = "30";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "HubSpot portal not known yet",
                detail: $"{LeadScoringSettings.PortalIdName} is not set and the portal could not be learned from HubSpot yet, so events of other portals cannot be told apart; HubSpot will retry these events.");
        }

        var events = parsed;
        var otherPortal = 0;
        if (parsed.Any(e => e.PortalId != portal))
        {
            events = [.. parsed.Where(e => e.PortalId == portal)];
            otherPortal = parsed.Count - events.Count;
            metrics.WebhookEvents("rejected", otherPortal);
            LogOtherPortal(logger, otherPortal, parsed.First(e => e.PortalId != portal).PortalId, s.PortalId is null ? "learned from HubSpot" : LeadScoringSettings.PortalIdName, portal);
        }

        // HubSpot waits 5 s and then retries; if storage is slower than that, say so quickly and let HubSpot retry
        // rather than answer after HubSpot gave up. Nothing is recorded as seen unless it was enqueued.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(IntakeDeadline);
        try
        {
            var result = await intake.AcceptAsync(events, deadline.Token);
            if (otherPortal == 0)
            {
                return TypedResults.Json(result, PipelineJsonContext.Default.WebhookIntakeResult);
            }

            // 200 all the same: HubSpot would retry a refusal, and these events will never be ours to score.
            return TypedResults.Json(
                new WebhookAnswer(parsed.Count, result.Echoes, result.Ignored, result.Duplicates, result.Enqueued, otherPortal), PipelineJsonContext.Default.WebhookAnswer);
        }
        catch (Exception ex) when (Unavailable.IsStorage(ex))
        {
            // README: storage unavailable → 503 with Retry-After, and HubSpot retries. Nothing was recorded as seen.
            LogStorageUnavailable(logger, ex.GetType().Name, ex.Message);
            return Unavailable.Storage(http, "the events were not queued (HubSpot retries them; nothing was recorded as seen)");
        }
        catch (ObjectDisposedException)
        {
            // The host is stopping; another instance (or this one, restarted) takes HubSpot's retry.
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Shutting down", detail: "The host is stopping; HubSpot will retry these events.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage too slow",
                detail: $"The events could not be queued within {IntakeDeadline.TotalSeconds:0} s; HubSpot will retry them.");
        }
    }

    private static ProblemHttpResult TooLarge() => RequestBody.TooLarge(MaxBodyBytes, "A HubSpot webhook batch");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} webhook event(s) of portal {Portal}: ours ({Source}) is {Ours}")]
    private static partial void LogOtherPortal(ILogger logger, int count, long portal, string source, long ours);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook of {Count} event(s) answered 503: our HubSpot portal is not known ({Problem})")]
    private static partial void LogPortalUnknown(ILogger logger, int count, string problem);

    // A known outage, not a bug: one line without a stack trace.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook answered 503: storage unavailable ({Error}: {Message})")]
    private static partial void LogStorageUnavailable(ILogger logger, string error, string message);
}

/// <summary>The webhook summary when events of another portal were refused: <see cref="WebhookIntakeResult"/> plus their count.</summary>
internal sealed record WebhookAnswer(int Received, int Echoes, int Ignored, int Duplicates, int Enqueued, int OtherPortal);
