using System.Text.Json.Nodes;

namespace LeadScoring.HubSpotEmulator.Webhooks;

/// <summary>One event of a webhook delivery, shaped like HubSpot's legacy subscriptions.</summary>
internal sealed record WebhookEvent(
    long EventId, long SubscriptionId, long PortalId, long AppId, long OccurredAt, string SubscriptionType, long ObjectId,
    string? PropertyName, string? PropertyValue, string ChangeSource, string SourceId)
{
    public JsonObject ToJson(int attemptNumber)
    {
        var json = new JsonObject
        {
            ["eventId"] = EventId,
            ["subscriptionId"] = SubscriptionId,
            ["portalId"] = PortalId,
            ["appId"] = AppId,
            ["occurredAt"] = OccurredAt,
            ["subscriptionType"] = SubscriptionType,
            ["attemptNumber"] = attemptNumber,
            ["objectId"] = ObjectId,
        };
        if (PropertyName is null)
        {
            json["changeFlag"] = "CREATED";
        }
        else
        {
            json["propertyName"] = PropertyName;
            json["propertyValue"] = PropertyValue;
        }

        json["changeSource"] = ChangeSource;
        json["sourceId"] = SourceId;
        return json;
    }
}
