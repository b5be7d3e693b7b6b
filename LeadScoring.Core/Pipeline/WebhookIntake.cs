using System.Globalization;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Core.Pipeline;

/// <summary>What happened to one webhook batch.</summary>
public sealed record WebhookIntakeResult(int Received, int Echoes, int Ignored, int Duplicates, int Enqueued);

/// <summary>
/// Turns a verified HubSpot webhook batch into score requests: drops echoes of our own ai_* writes and event types
/// we do not score, drops events already accepted (HubSpot's composite key), coalesces per object, enqueues one
/// request per contact (or per company/deal to fan out), and only then records the events as seen — so a crash
/// in between means a harmless duplicate on HubSpot's retry, never a lost event.
/// </summary>
public sealed partial class WebhookIntake(WebhookEventLedger ledger, ScoreRequestQueue queue, TimeProvider clock, LeadScoring.Core.Monitoring.LeadScoringMetrics metrics, ILogger<WebhookIntake> logger)
{
    public async Task<WebhookIntakeResult> AcceptAsync(IReadOnlyList<HubSpotWebhookEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var echoes = events.Count(IsEcho);
        var relevant = events.Where(e => !IsEcho(e) && KindOf(e) is not null).ToList();
        var ignored = events.Count - echoes - relevant.Count;

        var fresh = relevant.Count == 0 ? [] : await ledger.WhereNewAsync(relevant, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var requests = fresh
            .GroupBy(e => (Kind: KindOf(e)!.Value, e.ObjectId))
            .Select(g => new ScoreRequest(g.Key.Kind, g.Key.ObjectId.ToString(CultureInfo.InvariantCulture), $"webhook:{g.First().SubscriptionType}", now))
            .ToList();

        if (requests.Count > 0)
        {
            await queue.EnqueueManyAsync(requests, cancellationToken).ConfigureAwait(false);
            await ledger.RecordAsync(fresh, cancellationToken).ConfigureAwait(false);
        }

        var result = new WebhookIntakeResult(events.Count, echoes, ignored, relevant.Count - fresh.Count, requests.Count);
        metrics.WebhookEvents("received", result.Received);
        metrics.WebhookEvents("duplicate", result.Duplicates);
        metrics.WebhookEvents("enqueued", result.Enqueued);
        LogAccepted(logger, result.Received, result.Echoes, result.Ignored, result.Duplicates, result.Enqueued);
        return result;
    }

    /// <summary>Our own write-back comes back as contact.propertyChange of an ai_* property; scoring it again would loop.</summary>
    public static bool IsEcho(HubSpotWebhookEvent e) =>
        e.SubscriptionType.EndsWith(".propertyChange", StringComparison.Ordinal)
        && e.PropertyName is { } name && LeadScoreProperties.Names.Contains(name);

    /// <summary>Creation, property changes, merges, restores and association changes can change a score; a privacy deletion
    /// means forgetting the contact; other deletions change nothing.</summary>
    internal static ScoreRequestKind? KindOf(HubSpotWebhookEvent e)
    {
        var change = e.SubscriptionType[(e.SubscriptionType.IndexOf('.', StringComparison.Ordinal) + 1)..];
        if (e.SubscriptionType == "contact.privacyDeletion")
        {
            return ScoreRequestKind.Forget; // GDPR: delete our derived data too (a plain deletion can be restored, so it keeps it)
        }

        if (change is not ("creation" or "propertyChange" or "merge" or "restore" or "associationChange"))
        {
            return null;
        }

        return e.ObjectType switch
        {
            "contact" => ScoreRequestKind.Contact,
            "company" => ScoreRequestKind.Company,
            "deal" => ScoreRequestKind.Deal,
            _ => null,
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook batch: {Received} events, {Echoes} echoes, {Ignored} ignored, {Duplicates} duplicates, {Enqueued} enqueued")]
    private static partial void LogAccepted(ILogger logger, int received, int echoes, int ignored, int duplicates, int enqueued);
}
