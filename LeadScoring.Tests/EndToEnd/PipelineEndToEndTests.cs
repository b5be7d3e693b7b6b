using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadScoring.Core.HubSpot;
using LeadScoring.Tests.Contract;
using LeadScoring.Tests.Host;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.EndToEnd;

/// <summary>Webhook → queue → HubSpot gather → score → write-back → enrolment, through the real host, emulator and Azurite.</summary>
[TestFixture]
public sealed class PipelineEndToEndTests : ProductFixture
{
    [Test]
    public async Task SimulatedActivity_WebhookLeadsToScoreWrittenOnThatContact()
    {
        var contact = Contacts[3];

        (await Product.Emulator.Admin.PostAsJsonAsync($"/_emulator/contacts/{contact}/activity", new JsonObject { ["type"] = "meeting" })).EnsureSuccessStatusCode();

        await Product.WaitUntilScoredAsync([contact], TimeSpan.FromSeconds(20));
        var writes = await Product.Emulator.WritesAsync(contact);
        Assert.That(writes.Select(w => w.Property), Is.SupersetOf(LeadScoreProperties.Definitions.Select(d => d.Name)));
        Assert.That(int.Parse(writes.Last(w => w.Property == LeadScoreProperties.Score).Value!, System.Globalization.CultureInfo.InvariantCulture), Is.InRange(0, 100));
    }

    [Test]
    public async Task DuplicateDelivery_SameEvent_IsScoredOnce()
    {
        var contact = Contacts[5];
        var json = $$"""[{"eventId":777001,"subscriptionId":310,"portalId":1000001,"appId":3000001,"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":{{contact}},"propertyName":"lifecyclestage","propertyValue":"lead","changeSource":"CRM_UI"}]""";

        using var first = await Product.PostWebhookAsync(json);
        using var second = await Product.PostWebhookAsync(json);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var a = await first.Content.ReadFromJsonAsync<JsonObject>();
        var b = await second.Content.ReadFromJsonAsync<JsonObject>();
        Assert.That((int)a!["enqueued"]!, Is.EqualTo(1));
        Assert.That((int)b!["enqueued"]!, Is.Zero);
        Assert.That((int)b["duplicates"]!, Is.EqualTo(1));
        await Product.WaitUntilScoredAsync([contact], TimeSpan.FromSeconds(20));
        var gathersAfterFirstScoring = (await Product.Emulator.RequestsAsync("/contacts/batch/read")).Count;
        await Task.Delay(1500); // would the duplicate be scored, its gather would have happened by now
        Assert.That((await Product.Emulator.RequestsAsync("/contacts/batch/read")).Count, Is.EqualTo(gathersAfterFirstScoring), "no second gather");
        Assert.That((await Product.Emulator.WritesAsync(contact)).Count(w => w.Property == LeadScoreProperties.Score), Is.EqualTo(1));
    }

    [Test]
    public async Task EventAlreadyInTheLedger_AcceptedByAnotherInstance_IsNotScoredAgain()
    {
        var contact = Contacts[14];
        var json = $$"""[{"eventId":777002,"subscriptionId":310,"portalId":1000001,"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.propertyChange","attemptNumber":1,"objectId":{{contact}},"propertyName":"lifecyclestage","propertyValue":"lead","changeSource":"CRM_UI"}]""";
        var seenElsewhere = HubSpotWebhookParser.Parse(System.Text.Encoding.UTF8.GetBytes(json)).Events!.Single();
        await Product.Host.Services.GetRequiredService<LeadScoring.Core.Storage.WebhookEventLedger>().RecordAsync(
            [new(seenElsewhere.PortalId, LeadScoring.Core.Storage.WebhookEventLedger.KeyOf(seenElsewhere), LeadScoring.Core.Storage.ScoreRequestKind.Contact, contact, seenElsewhere.SubscriptionType)]);
        var queue = Product.Host.Services.GetRequiredService<LeadScoring.Core.Storage.ScoreRequestQueue>();
        var gathersBefore = (await Product.Emulator.RequestsAsync("/contacts/batch/read")).Count;

        using var response = await Product.PostWebhookAsync(json);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["enqueued"]!, Is.EqualTo(1), "this instance has not seen it: the worker decides");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await queue.ApproximateCountAsync() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await Task.Delay(1500); // would the event be scored, its gather would have happened by now
        Assert.That(await queue.ApproximateCountAsync(), Is.Zero, "the events message was taken and completed");
        Assert.That((await Product.Emulator.RequestsAsync("/contacts/batch/read")).Count, Is.EqualTo(gathersBefore), "the ledger dropped the duplicate: no gather");
    }

    [TestCase("wrong-secret")]
    public async Task ForgedSignature_IsRejectedAndChangesNothing(string secret)
    {
        var contact = Contacts[7];
        var json = $$"""[{"eventId":888001,"subscriptionId":310,"portalId":1000001,"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.creation","attemptNumber":0,"objectId":{{contact}}}]""";

        var gathersBefore = (await Product.Emulator.RequestsAsync("/contacts/batch/read")).Count;

        using var response = await Product.PostWebhookAsync(json, secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await Task.Delay(1500);
        Assert.That((await Product.Emulator.RequestsAsync("/contacts/batch/read")).Count, Is.EqualTo(gathersBefore), "nothing was gathered");
        Assert.That(await Product.WrittenScoreAsync(contact), Is.Null);
    }

    [TestCase("stale", TestName = "StaleOrAlteredWebhook_IsRejected(stale timestamp)")]
    [TestCase("altered", TestName = "StaleOrAlteredWebhook_IsRejected(altered body)")]
    public async Task StaleOrAlteredWebhook_IsRejectedAndChangesNothing(string how)
    {
        var contact = Contacts[18];
        var json = $$"""[{"eventId":888101,"subscriptionId":310,"portalId":1000001,"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.creation","attemptNumber":0,"objectId":{{contact}}}]""";
        var uri = new Uri(Product.Host.Address, "/api/hubspot/webhooks");
        var timestamp = (how == "stale" ? DateTimeOffset.UtcNow.AddMinutes(-6) : DateTimeOffset.UtcNow).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = LeadScoring.Core.HubSpot.HubSpotWebhookSignature.SignV3("POST", uri.ToString(), System.Text.Encoding.UTF8.GetBytes(json), timestamp, Product.Emulator.Options.ClientSecret);
        var sent = how == "altered" ? json.Replace(contact, Contacts[19], StringComparison.Ordinal) : json;
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(sent, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-HubSpot-Request-Timestamp", timestamp);
        request.Headers.Add("X-HubSpot-Signature-v3", signature);

        using var response = await Product.Host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), await response.Content.ReadAsStringAsync());
        await Task.Delay(1500);
        Assert.That(await Product.WrittenScoreAsync(how == "altered" ? Contacts[19] : contact), Is.Null, "nothing was scored");
    }

    [Test]
    public async Task MalformedOrOversizedWebhook_IsRejected()
    {
        using var malformed = await Product.PostWebhookAsync("[{\"eventId\":1,");
        using var oversized = await Product.PostWebhookAsync("[" + new string(' ', 1024 * 1024) + "]");

        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(oversized.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task CompanyChange_FansOutToEveryContactOfThatCompany()
    {
        await using var services = Product.Emulator.ClientServices();
        var client = services.GetRequiredService<HubSpotClient>();
        var byContact = await client.GetAssociationsAsync("contacts", Contacts.Skip(20).ToList(), "companies");
        var company = byContact.Values.First(v => v.Count > 0)[0];
        var members = (await client.GetAssociationsAsync("companies", [company], "contacts"))[company];
        var json = $$"""[{"eventId":555001,"subscriptionId":320,"portalId":1000001,"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"company.propertyChange","attemptNumber":0,"objectId":{{company}},"propertyName":"numberofemployees","propertyValue":"900","changeSource":"CRM_UI"}]""";

        using var response = await Product.PostWebhookAsync(json);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(members, Is.Not.Empty);
        await Product.WaitUntilScoredAsync(members, TimeSpan.FromSeconds(30));
    }

    [Test]
    public async Task PrivacyDeletion_ForgetsTheContactsHistoryAndLastScore()
    {
        var contact = Contacts[12];
        (await Product.Emulator.Admin.PostAsJsonAsync($"/_emulator/contacts/{contact}/activity", new JsonObject { ["type"] = "call" })).EnsureSuccessStatusCode();
        await Product.WaitUntilScoredAsync([contact], TimeSpan.FromSeconds(20));
        var history = Product.Host.Services.GetRequiredService<LeadScoring.Core.Storage.ScoreHistoryStore>();
        var lastWritten = Product.Host.Services.GetRequiredService<LeadScoring.Core.Storage.LastWrittenScoreStore>();
        await WaitUntilQuietAsync(contact);
        Assert.That(await history.RecentAsync(contact, 10), Is.Not.Empty);
        var json = $$"""[{"eventId":666001,"subscriptionId":330,"portalId":1000001,"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.privacyDeletion","attemptNumber":0,"objectId":{{contact}},"changeSource":"GDPR"}]""";

        using var response = await Product.PostWebhookAsync(json);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await history.RecentAsync(contact, 10)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.That(await history.RecentAsync(contact, 10), Is.Empty);
        Assert.That(await lastWritten.GetManyAsync([contact]), Is.Empty);
    }

    [Test]
    public async Task ScoreHubSpotHoldsButOurRecordsDoNot_IsRecordedWhenTheContactIsScoredAgain()
    {
        var contact = Contacts[21];
        (await Product.Emulator.Admin.PostAsJsonAsync($"/_emulator/contacts/{contact}/activity", new JsonObject { ["type"] = "email_reply" })).EnsureSuccessStatusCode();
        await Product.WaitUntilScoredAsync([contact], TimeSpan.FromSeconds(20));
        var history = Product.Host.Services.GetRequiredService<LeadScoring.Core.Storage.ScoreHistoryStore>();
        var lastWritten = Product.Host.Services.GetRequiredService<LeadScoring.Core.Storage.LastWrittenScoreStore>();
        await WaitUntilQuietAsync(contact);
        Assert.That(await history.RecentAsync(contact, 10), Is.Not.Empty);

        // What a crash between HubSpot's batch update and our storage writes leaves: HubSpot holds the score, we nothing.
        await history.ForgetAsync(contact);
        await lastWritten.ForgetAsync(contact);
        var writesBefore = (await Product.Emulator.WritesAsync(contact)).Count;
        var json = $$"""[{"eventId":888021,"subscriptionId":310,"portalId":1000001,"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":{{contact}},"propertyName":"jobtitle","propertyValue":"CTO","changeSource":"CRM_UI"}]""";

        using var response = await Product.PostWebhookAsync(json);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await history.RecentAsync(contact, 10)).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var recorded = await history.RecentAsync(contact, 10);
        var last = (await lastWritten.GetManyAsync([contact])).GetValueOrDefault(contact);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(recorded, Has.Count.EqualTo(1), "the history is repaired");
            Assert.That(last?.Score.ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(await Product.WrittenScoreAsync(contact)), "the last-written row says what HubSpot holds");
            Assert.That((await Product.Emulator.WritesAsync(contact)).Count, Is.EqualTo(writesBefore), "HubSpot already held the score: nothing written again");
        }
    }

    /// <summary>Waits until no write has reached the contact for 3 s (the emulator announces one change by several webhooks).</summary>
    private async Task WaitUntilQuietAsync(string contact)
    {
        var (count, since) = ((await Product.Emulator.WritesAsync(contact)).Count, DateTime.UtcNow);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow - since < TimeSpan.FromSeconds(3) && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(250);
            var now = (await Product.Emulator.WritesAsync(contact)).Count;
            if (now != count)
            {
                (count, since) = (now, DateTime.UtcNow);
            }
        }
    }

    [Test]
    public async Task EchoOfOurOwnWrite_IsDroppedWithoutRescoring()
    {
        var contact = Contacts[9];
        var json = $$"""[{"eventId":999001,"subscriptionId":311,"portalId":1000001,"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":{{contact}},"propertyName":"ai_lead_score","propertyValue":"55","changeSource":"API"}]""";

        using var response = await Product.PostWebhookAsync(json);

        var result = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.That((int)result!["echoes"]!, Is.EqualTo(1));
        Assert.That((int)result["enqueued"]!, Is.Zero);
    }
}

/// <summary>The batch rescore through the admin route, on a portal of its own (it touches every contact).</summary>
[TestFixture]
public sealed class BatchRescoreEndToEndTests : ProductFixture
{
    [Test]
    public async Task AdminRescore_ScoresEveryContactAndEnrollsHighLeadsOnce()
    {
        using var response = await Product.Host.SendAsync(HttpMethod.Post, "/api/admin/rescore", TestHost.AdminKey);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.That(((string)body["instanceId"]!, (bool)body["started"]!), Is.EqualTo(("batch-rescore", true)));

        await Product.WaitUntilScoredAsync(Contacts, TimeSpan.FromSeconds(60));
        var status = await WaitForOrchestrationAsync((string)body["statusUri"]!, TimeSpan.FromSeconds(60));
        Assert.That((string)status["status"]!, Is.EqualTo("Completed"), status.ToJsonString());
        Assert.That((int)status["output"]!["Enqueued"]!, Is.GreaterThanOrEqualTo(Contacts.Count), "the orchestration's output counts every contact");

        // A second run: nothing changed, so nothing is written again and nobody is enrolled twice.
        (await Product.Host.SendAsync(HttpMethod.Post, "/api/admin/rescore", TestHost.AdminKey)).EnsureSuccessStatusCode();
        await Task.Delay(3000);
        var enrollments = await Product.Emulator.EnrollmentsAsync();
        Assert.That(enrollments.Select(e => e.ContactId), Is.Unique);
        foreach (var (_, contactId) in enrollments)
        {
            Assert.That(await Product.WrittenScoreAsync(contactId), Is.Not.Null);
        }
    }

    /// <summary>Polls the admin's orchestration route until the instance has finished.</summary>
    private async Task<JsonObject> WaitForOrchestrationAsync(string statusUri, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var answer = await Product.Host.SendAsync(HttpMethod.Get, statusUri, TestHost.AdminKey);
            var status = (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
            if ((string)status["status"]! is not ("Running" or "Pending") || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Delay(250);
        }
    }

    [Test]
    public async Task AdminRetrain_TooLittleOutcomeData_TrainsNothingAndSaysSoInTheModelCard()
    {
        using var response = await Product.Host.SendAsync(HttpMethod.Post, "/api/admin/retrain", TestHost.AdminKey);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var card = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.That((string)card["status"]!, Is.EqualTo("skipped"));
        Assert.That((string)card["reason"]!, Does.Contain("not trained").And.Contain("LEAD_SCORE_MIN_OUTCOMES").And.Contain("logistic prior stays in use"));
        Assert.That(card["version"], Is.Null, "a run that trained nothing made no model version");
        Assert.That((string)card["run"]!, Does.StartWith("run-"));
        Assert.That((await Product.Host.SendAsync(HttpMethod.Get, "/api/models", TestHost.RepKey)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "reps never see model metrics");
    }

    [Test]
    public async Task AdminRescore_WithRepKey_IsForbidden()
    {
        using var response = await Product.Host.SendAsync(HttpMethod.Post, "/api/admin/rescore", TestHost.RepKey);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}

/// <summary>One product (Azurite + emulator with 40 contacts + host) per fixture.</summary>
public abstract class ProductFixture
{
    internal ProductUnderTest Product { get; private set; } = null!;

    internal List<string> Contacts { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartProduct()
    {
        Product = await ProductUnderTest.StartAsync(contacts: 40);
        Contacts = await Product.ContactIdsAsync();
    }

    [OneTimeTearDown]
    public async Task StopProduct() => await Product.DisposeAsync();
}
