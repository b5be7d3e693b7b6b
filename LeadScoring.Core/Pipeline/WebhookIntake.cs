using System.Globalization;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Core.Pipeline;

/// <summary>What happened to one webhook batch.</summary>
/// <param name="Duplicates">Events repeated within the batch or queued by this instance lately; the worker drops any others.</param>
/// <param name="Enqueued">Events queued for the worker to deduplicate against the ledger and score.</param>
public sealed record WebhookIntakeResult(int Received, int Echoes, int Ignored, int Duplicates, int Enqueued);

/// <summary>
/// Turns a verified HubSpot webhook batch into queued work: drops echoes of our own ai_* writes, event types we do not
/// score and events this instance queued lately, and hands the rest to the <see cref="WebhookEventBuffer"/>, which
/// writes everything arriving together as one queue message. The answer waits only for that one write: checking
/// HubSpot's composite keys against the ledger, coalescing per object and recording them happens on the worker, so
/// a crash anywhere means a duplicate that the ledger drops, never a lost event.
/// </summary>
public sealed partial class WebhookIntake(WebhookEventBuffer buffer, RecentWebhookEvents recent, LeadScoring.Core.Monitoring.LeadScoringMetrics metrics, ILogger<WebhookIntake> logger)
{
    public async Task<WebhookIntakeResult> AcceptAsync(IReadOnlyList<HubSpotWebhookEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var echoes = events.Count(IsEcho);
        var relevant = events.Where(e => !IsEcho(e) && KindOf(e) is not null).ToList();
        var ignored = events.Count - echoes - relevant.Count;

        var fresh = relevant
            .Select(e => new AcceptedWebhookEvent(e.PortalId, WebhookEventLedger.KeyOf(e), KindOf(e)!.Value, e.ObjectId.ToString(CultureInfo.InvariantCulture), e.SubscriptionType))
            .DistinctBy(e => e.Key, StringComparer.Ordinal)
            .Where(e => !recent.Contains(e.Key))
            .ToList();
        await buffer.SubmitAsync(fresh, cancellationToken).ConfigureAwait(false);
        recent.Remember(fresh);

        var result = new WebhookIntakeResult(events.Count, echoes, ignored, relevant.Count - fresh.Count, fresh.Count);
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
