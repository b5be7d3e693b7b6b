namespace LeadScoring.Core.Storage;

public enum ScoreRequestKind
{
    Contact,
    Company,
    Deal,

    /// <summary>HubSpot asked to forget this contact (GDPR privacy deletion): delete what we stored about it.</summary>
    Forget,

    /// <summary>Webhook events accepted by the endpoint, not yet deduplicated: the worker checks them against the
    /// ledger and turns the new ones into the requests above.</summary>
    WebhookEvents,
}

/// <summary>One unit of work on the queue: score this contact, fan out this company's/deal's contacts, or sort a batch of webhook events.</summary>
/// <param name="ObjectId">The HubSpot id of the contact, company or deal (for <see cref="ScoreRequestKind.WebhookEvents"/>: how many events).</param>
/// <param name="Reason">A short code (e.g. <c>webhook</c>, <c>batch</c>); never free text about the person.</param>
/// <param name="Events">Only for <see cref="ScoreRequestKind.WebhookEvents"/>: the accepted events.</param>
public sealed record ScoreRequest(ScoreRequestKind Kind, string ObjectId, string Reason, DateTimeOffset RequestedAt, IReadOnlyList<AcceptedWebhookEvent>? Events = null);

/// <summary>
/// A webhook event as it waits on the queue: HubSpot's composite key only as a hash, and what to score. No property
/// values travel (a propertyChange event can carry an email address).
/// </summary>
/// <param name="Key">SHA-256 hex of <see cref="HubSpot.HubSpotWebhookEvent.DedupeKey"/>.</param>
/// <param name="Kind">What the event asks for: Contact, Company, Deal or Forget.</param>
/// <param name="Type">HubSpot's subscriptionType, e.g. <c>contact.propertyChange</c>.</param>
public sealed record AcceptedWebhookEvent(long PortalId, string Key, ScoreRequestKind Kind, string ObjectId, string Type);
