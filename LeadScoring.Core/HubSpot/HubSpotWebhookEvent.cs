using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeadScoring.Core.HubSpot;

/// <summary>One event of a HubSpot webhook batch (legacy subscription types).</summary>
public sealed class HubSpotWebhookEvent
{
    /// <summary>Not unique on its own: dedupe on <see cref="DedupeKey"/>.</summary>
    public long EventId { get; set; }

    public long SubscriptionId { get; set; }

    public long PortalId { get; set; }

    public long? AppId { get; set; }

    /// <summary>Epoch milliseconds.</summary>
    public long OccurredAt { get; set; }

    /// <summary>E.g. <c>contact.propertyChange</c>, <c>deal.creation</c>.</summary>
    public string SubscriptionType { get; set; } = "";

    public int AttemptNumber { get; set; }

    public long ObjectId { get; set; }

    public string? PropertyName { get; set; }

    public string? PropertyValue { get; set; }

    public string? ChangeSource { get; set; }

    public string? SourceId { get; set; }

    public long? FromObjectId { get; set; }

    public long? ToObjectId { get; set; }

    /// <summary>HubSpot's composite identity of an event (eventId alone repeats).</summary>
    [JsonIgnore]
    public string DedupeKey => string.Join('|', PortalId, SubscriptionId, EventId, ObjectId, PropertyName ?? "", OccurredAt);

    /// <summary>The object kind before the dot: contact, company, deal…</summary>
    [JsonIgnore]
    public string ObjectType => SubscriptionType.Split('.')[0];
}

/// <summary>Parses the JSON array HubSpot posts; malformed input is reported, not half-read.</summary>
public static class HubSpotWebhookParser
{
    /// <summary>HubSpot sends at most 100 events per request; more than this is not HubSpot.</summary>
    public const int MaxEvents = 1000;

    public static (IReadOnlyList<HubSpotWebhookEvent>? Events, string? Error) Parse(ReadOnlySpan<byte> body)
    {
        List<HubSpotWebhookEvent>? events;
        try
        {
            events = JsonSerializer.Deserialize(body, HubSpotWebhookJsonContext.Default.ListHubSpotWebhookEvent);
        }
        catch (JsonException ex)
        {
            // Name the field (e.g. $[0].objectId) so a sender can see which value was refused.
            var at = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" at {ex.Path}";
            return (null, $"not a JSON array of HubSpot events{at}: {LeadScoring.Core.Scoring.JsonErrors.Describe(ex)}");
        }

        if (events is null)
        {
            return (null, "the body must be a JSON array of events, not null");
        }

        if (events.Count > MaxEvents)
        {
            return (null, $"more than {MaxEvents} events in one request");
        }

        var invalid = events.FindIndex(e => e is null || string.IsNullOrEmpty(e.SubscriptionType) || e.ObjectId <= 0 || !e.SubscriptionType.Contains('.', StringComparison.Ordinal));
        return invalid >= 0 ? (null, $"event [{invalid}] needs subscriptionType (e.g. contact.propertyChange) and a positive objectId") : (events, null);
    }
}

// HubSpot sends ids and times as JSON numbers; the Web defaults would also read "1460" (a string) as one, which no
// HubSpot event does. Unknown fields stay allowed: HubSpot adds fields (changeFlag, …) without notice.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict, ReadCommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false)]
[JsonSerializable(typeof(List<HubSpotWebhookEvent>))]
internal sealed partial class HubSpotWebhookJsonContext : JsonSerializerContext;
