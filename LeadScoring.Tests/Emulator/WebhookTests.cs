using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LeadScoring.HubSpotEmulator;

namespace LeadScoring.Tests.Emulator;

[TestFixture]
public sealed class WebhookTests
{
    private const string Secret = "webhook-test-secret";
    private WebhookReceiver _receiver = null!;
    private EmulatorServer _emulator = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            Contacts = 60, WebhookUrl = _receiver.Url, ClientSecret = Secret, WebhookRetryScale = 0.001,
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _emulator.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Test]
    public async Task BulkCreate_150Contacts_DeliversCreationEventsInSignedBatchesOfAtMost100()
    {
        var created = await _emulator.PostAsync("/_emulator/contacts", """{"count":150}""");
        var ids = created.Json!["ids"]!.AsArray().Select(i => long.Parse(i!.GetValue<string>(), CultureInfo.InvariantCulture)).ToHashSet();

        await WebhookReceiver.WaitUntilAsync(() => _receiver.Events.Count(e => e["subscriptionType"]!.GetValue<string>() == "contact.creation" && ids.Contains(e["objectId"]!.GetValue<long>())) >= 150);

        var batches = _receiver.Deliveries.Where(d => d.Events.Any(e => ids.Contains(e!["objectId"]!.GetValue<long>()))).ToList();
        var creation = _receiver.Events.First(e => e["subscriptionType"]!.GetValue<string>() == "contact.creation" && ids.Contains(e["objectId"]!.GetValue<long>()));
        Assert.Multiple(() =>
        {
            Assert.That(batches, Has.Count.GreaterThanOrEqualTo(2));
            Assert.That(batches.Select(b => b.Events.Count), Is.All.InRange(1, 100));
            Assert.That(batches.Select(b => b.SignatureV3), Is.All.EqualTo(null).Or.Not.Null);
            foreach (var batch in batches)
            {
                var expectedV3 = Convert.ToBase64String(HMACSHA256.HashData(
                    Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("POST" + _receiver.Url.OriginalString + batch.Body + batch.Timestamp)));
                var expectedV2 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Secret + "POST" + _receiver.Url.OriginalString + batch.Body)));
                Assert.That(batch.SignatureV3, Is.EqualTo(expectedV3));
                Assert.That(batch.SignatureV2, Is.EqualTo(expectedV2));
                Assert.That(batch.SignatureVersion, Is.EqualTo("v2"));
                Assert.That(long.Parse(batch.Timestamp!, CultureInfo.InvariantCulture), Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds()));
            }

            Assert.That(creation["portalId"]!.GetValue<long>(), Is.EqualTo(_emulator.Options.PortalId));
            Assert.That(creation["appId"]!.GetValue<long>(), Is.EqualTo(_emulator.Options.AppId));
            Assert.That(creation["subscriptionId"]!.GetValue<long>(), Is.GreaterThan(0));
            Assert.That(creation["eventId"]!.GetValue<long>(), Is.GreaterThan(0));
            Assert.That(creation["occurredAt"]!.GetValue<long>(), Is.GreaterThan(0));
            Assert.That(creation["attemptNumber"]!.GetValue<int>(), Is.Zero);
            Assert.That(creation["changeSource"]!.GetValue<string>(), Is.EqualTo("CRM_UI"));
        });
    }

    [Test]
    public async Task ReceiverAnswers500_DeliveryIsRetriedWithAttemptNumberPlusOne()
    {
        _receiver.FailNext(1);

        await _emulator.PostAsync("/_emulator/contacts/1005/activity", """{"type":"meeting"}""");

        var retried = await _receiver.WaitForEventAsync(e => e["objectId"]!.GetValue<long>() == 1005 && e["attemptNumber"]!.GetValue<int>() == 1);
        var first = _receiver.Deliveries.First(d => d.Events.Any(e => e!["objectId"]!.GetValue<long>() == 1005));
        var firstEvent = first.Events.First(e => e!["eventId"]!.GetValue<long>() == retried["eventId"]!.GetValue<long>() && e!["propertyName"]?.GetValue<string>() == retried["propertyName"]?.GetValue<string>())!;
        var log = await _emulator.GetAsync("/_emulator/webhooks/deliveries");
        Assert.Multiple(() =>
        {
            Assert.That(first.AnsweredStatus, Is.EqualTo(500));
            Assert.That(firstEvent["attemptNumber"]!.GetValue<int>(), Is.Zero);
            Assert.That(retried["subscriptionType"]!.GetValue<string>(), Is.EqualTo("contact.propertyChange"));
            Assert.That(log.Json!["results"]!.AsArray().Select(a => a!["statusCode"]?.GetValue<int>()), Does.Contain(500).And.Contain(200));
        });
    }

    [Test]
    public async Task ApiBatchUpdate_EmitsEchoPropertyChangeWithChangeSourceApi()
    {
        await _emulator.PostAsync("/crm/v3/properties/contacts/groups", """{"name":"ai_scoring","label":"AI scoring"}""");
        await _emulator.PostAsync("/crm/v3/properties/contacts", """{"groupName":"ai_scoring","name":"ai_lead_score","label":"AI lead score","type":"number","fieldType":"number"}""");

        var update = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/update", """{"inputs":[{"id":"1007","properties":{"ai_lead_score":"81"}}]}""");
        var echo = await _receiver.WaitForEventAsync(e => e["objectId"]!.GetValue<long>() == 1007 && e["propertyName"]?.GetValue<string>() == "ai_lead_score");

        Assert.That(update.Status, Is.EqualTo(System.Net.HttpStatusCode.OK), update.Text);
        Assert.Multiple(() =>
        {
            Assert.That(echo["subscriptionType"]!.GetValue<string>(), Is.EqualTo("contact.propertyChange"));
            Assert.That(echo["propertyValue"]!.GetValue<string>(), Is.EqualTo("81"));
            Assert.That(echo["changeSource"]!.GetValue<string>(), Is.EqualTo("API"));
            Assert.That(echo["sourceId"]!.GetValue<string>(), Is.EqualTo(_emulator.Options.AppId.ToString(CultureInfo.InvariantCulture)));
        });
    }

    [Test]
    public async Task AdminDeal_ClosedWon_EmitsDealCreationAndContactLifecycleChange()
    {
        await _emulator.PostAsync("/_emulator/deals", """{"contactId":"1009","dealstage":"closedwon","amount":"25000"}""");

        var deal = await _receiver.WaitForEventAsync(e => e["subscriptionType"]!.GetValue<string>() == "deal.creation");
        var lifecycle = await _receiver.WaitForEventAsync(e => e["objectId"]!.GetValue<long>() == 1009 && e["propertyName"]?.GetValue<string>() == "lifecyclestage");

        Assert.That(deal["changeFlag"]!.GetValue<string>(), Is.EqualTo("CREATED"));
        Assert.That(lifecycle["propertyValue"]!.GetValue<string>(), Is.EqualTo("customer"));
    }
}
