using System.Text;
using LeadScoring.Core.HubSpot;

namespace LeadScoring.Tests.HubSpot;

[TestFixture]
public sealed class WebhookParserTests
{
    [Test]
    public void Parse_HubSpotBatch_ReadsEveryField()
    {
        const string Json = """
            [ { "eventId": 4100000001, "subscriptionId": 310, "portalId": 9876543, "appId": 222333,
                "occurredAt": 1718000000123, "subscriptionType": "contact.propertyChange", "attemptNumber": 0,
                "objectId": 51, "propertyName": "lifecyclestage", "propertyValue": "marketingqualifiedlead",
                "changeSource": "CRM_UI", "sourceId": "userId:777" },
              { "eventId": 4100000002, "subscriptionId": 311, "portalId": 9876543, "appId": 222333,
                "occurredAt": 1718000000456, "subscriptionType": "deal.creation", "attemptNumber": 1,
                "objectId": 9001, "changeFlag": "CREATED", "changeSource": "API" } ]
            """;

        var (events, error) = HubSpotWebhookParser.Parse(Encoding.UTF8.GetBytes(Json));

        Assert.That(error, Is.Null);
        Assert.That(events, Has.Count.EqualTo(2));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(events![0].ObjectType, Is.EqualTo("contact"));
            Assert.That(events[0].PropertyName, Is.EqualTo("lifecyclestage"));
            Assert.That(events[0].DedupeKey, Is.EqualTo("9876543|310|4100000001|51|lifecyclestage|1718000000123"));
            Assert.That(events[1].ObjectType, Is.EqualTo("deal"));
            Assert.That(events[1].AttemptNumber, Is.EqualTo(1));
        }
    }

    [Test]
    public void DedupeKey_SameEventIdDifferentObject_Differs()
    {
        var a = new HubSpotWebhookEvent { EventId = 1, PortalId = 2, SubscriptionId = 3, ObjectId = 4, OccurredAt = 5 };
        var b = new HubSpotWebhookEvent { EventId = 1, PortalId = 2, SubscriptionId = 3, ObjectId = 6, OccurredAt = 5 };

        Assert.That(a.DedupeKey, Is.Not.EqualTo(b.DedupeKey));
    }

    [TestCase("{\"eventId\":1}", "not a JSON array")]
    [TestCase("[{\"eventId\":1,", "not a JSON array")]
    [TestCase("null", "not null")]
    [TestCase("[{\"eventId\":1,\"objectId\":5}]", "event [0] needs subscriptionType")]
    [TestCase("[{\"eventId\":1,\"objectId\":0,\"subscriptionType\":\"contact.creation\"}]", "event [0]")]
    [TestCase("[{\"objectId\":\"abc\",\"subscriptionType\":\"contact.creation\"}]", "not a JSON array")]
    // Defect #14: the Web defaults read a quoted number ("1460") as one; HubSpot never sends ids as strings.
    [TestCase("[{\"objectId\":\"1460\",\"subscriptionType\":\"contact.creation\"}]", "at $[0].objectId")]
    [TestCase("[{\"objectId\":1460,\"portalId\":\"1000001\",\"subscriptionType\":\"contact.creation\"}]", "at $[0].portalId")]
    [TestCase("[{\"objectId\":1460,\"subscriptionType\":\"contact.creation\"},]", "not a JSON array")]
    public void Parse_Malformed_ReturnsErrorAndNoEvents(string json, string expected)
    {
        var (events, error) = HubSpotWebhookParser.Parse(Encoding.UTF8.GetBytes(json));

        Assert.That(events, Is.Null);
        Assert.That(error, Does.Contain(expected));
    }
}
