using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LeadScoring.Core.HubSpot;
using LeadScoring.Tests.Host;

namespace LeadScoring.Tests.EndToEnd;

/// <summary>
/// Issue #14, input items that need HubSpot: the emulator, Azurite and the host over real HTTP, with
/// HUBSPOT_PORTAL_ID set to the emulator's portal.
/// </summary>
[TestFixture]
public sealed class InputHardeningEndToEndTests
{
    private const long OurPortal = 1000001;
    private ProductUnderTest _product = null!;
    private List<string> _contacts = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _product = await ProductUnderTest.StartAsync(contacts: 120, extraSettings: new Dictionary<string, string?>
        {
            ["HUBSPOT_PORTAL_ID"] = OurPortal.ToString(CultureInfo.InvariantCulture),
            ["HubSpot:RetryBaseDelay"] = "00:00:00.100",
        });
        Assert.That(_product.Emulator.Options.PortalId, Is.EqualTo(OurPortal));
        _contacts = await _product.ContactIdsAsync();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _product.DisposeAsync();

    // Was: ArgumentOutOfRangeException out of HubSpotWebhookSignature → 500, stack trace logged, not counted as rejected.
    [Test]
    public async Task Webhook_TimestampBeyondTheCalendar_401AndCountedAsRejected()
    {
        var before = await RejectedAsync();
        const string Timestamp = "99999999999999999";
        var json = Event(OurPortal, _contacts[0], 880001);
        var uri = new Uri(_product.Host.Address, "/api/hubspot/webhooks");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-HubSpot-Request-Timestamp", Timestamp);
        request.Headers.Add("X-HubSpot-Signature-v3", HubSpotWebhookSignature.SignV3("POST", uri.ToString(), Encoding.UTF8.GetBytes(json), Timestamp, _product.Emulator.Options.ClientSecret));

        using var response = await _product.Host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), await response.Content.ReadAsStringAsync());
        Assert.That(await RejectedAsync(), Is.GreaterThanOrEqualTo(before + 1));
    }

    // Was: a correctly signed event of portal 424242 scored contact 1460 of portal 1000001.
    [Test]
    public async Task Webhook_EventOfAnotherPortal_RefusedCountedAndNeverScored()
    {
        var foreign = _contacts[10];
        var ours = _contacts[11];
        var before = await RejectedAsync();
        var gathersBefore = (await _product.Emulator.RequestsAsync("/contacts/batch/read")).Count;

        using var response = await _product.PostWebhookAsync($"[{Object(424242, foreign, 880101)},{Object(OurPortal, ours, 880102)}]");

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var answer = JsonNode.Parse(body)!;
        Assert.That((int)answer["received"]!, Is.EqualTo(2));
        Assert.That((int)answer["otherPortal"]!, Is.EqualTo(1));
        Assert.That((int)answer["enqueued"]!, Is.EqualTo(1));
        Assert.That(await RejectedAsync(), Is.GreaterThanOrEqualTo(before + 1));

        await _product.WaitUntilScoredAsync([ours], TimeSpan.FromSeconds(60));
        Assert.That(await _product.WrittenScoreAsync(foreign), Is.Null, "the other portal's contact id was not scored here");
        Assert.That((await _product.Emulator.RequestsAsync("/contacts/batch/read")).Count, Is.GreaterThan(gathersBefore));
    }

    [Test]
    public async Task Webhook_OnlyEventsOfAnotherPortal_NothingGathered()
    {
        var contact = _contacts[12];
        var gathersBefore = (await _product.Emulator.RequestsAsync("/contacts/batch/read")).Count;

        using var response = await _product.PostWebhookAsync(Event(424242, contact, 880201));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Task.Delay(1500); // would it be scored, its gather would have happened by now
        Assert.That((await _product.Emulator.RequestsAsync("/contacts/batch/read")).Count, Is.EqualTo(gathersBefore));
        Assert.That(await _product.WrittenScoreAsync(contact), Is.Null);
    }

    // Was: "objectId":"1460" accepted (the Web defaults read numbers from strings).
    [Test]
    public async Task Webhook_ObjectIdAsString_400NamingTheField()
    {
        var contact = _contacts[13];
        var json = $$"""[{"eventId":880301,"subscriptionId":310,"portalId":{{OurPortal}},"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.creation","attemptNumber":0,"objectId":"{{contact}}"}]""";

        using var response = await _product.PostWebhookAsync(json);

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(body, Does.Contain("objectId"));
        await Task.Delay(1000);
        Assert.That(await _product.WrittenScoreAsync(contact), Is.Null);
    }

    // Was: one gather per row — 100 rows took 55 s and 472 HubSpot calls.
    [Test]
    public async Task Import_HundredContactIds_LooksThemUpInBatches()
    {
        var csv = new StringBuilder("contactId,classification,score\n");
        foreach (var (id, i) in _contacts.Take(100).Select((id, i) => (id, i)))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{id},{(i % 2 == 0 ? "Ideal" : "LessIdeal")},{50 + (i % 40)}\n");
        }

        await _product.Emulator.ClearRequestsAsync();
        var watch = Stopwatch.StartNew();

        using var response = await SendAsync(HttpMethod.Post, "/api/training-records/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));

        watch.Stop();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That((int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["imported"]!, Is.EqualTo(100));
        var requests = await _product.Emulator.RequestsAsync();
        var contactReads = requests.Where(r => r.Path.Contains("/objects/contacts/batch/read", StringComparison.Ordinal)).ToList();
        TestContext.Out.WriteLine($"import of 100 contacts: {requests.Count} HubSpot calls in {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.That(contactReads, Has.Count.EqualTo(1), "100 contacts in one batch read");
        Assert.That(requests, Has.Count.LessThanOrEqualTo(20), string.Join(Environment.NewLine, requests.Select(r => $"{r.Method} {r.Path}")));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    // Was: a blank line made the lookup error say "row 3" for what the file and Parse call line 5.
    [Test]
    public async Task Import_UnknownContactAfterBlankLines_ErrorNamesTheFileLineAndNothingImported()
    {
        var before = await CountAsync();
        var csv = $"contactId,classification,score\n\n{_contacts[20]},Ideal,80\n\n999999999,Ideal,70\n";

        using var response = await SendAsync(HttpMethod.Post, "/api/training-records/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(JsonNode.Parse(body)!["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "row 5.contactId" }));
        Assert.That(await CountAsync(), Is.EqualTo(before));
    }

    // Was: Latin-1 bytes silently became U+FFFD in the stored notes.
    [Test]
    public async Task Import_Latin1File_400SayingUtf8AndNothingImported()
    {
        var before = await CountAsync();
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes("classification,score,notes,industry\nIdeal,80,Gespräch mit Müller,FARMING\n"));
        content.Headers.ContentType = new("text/csv");

        using var response = await SendAsync(HttpMethod.Post, "/api/training-records/import", content);

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        var errors = JsonNode.Parse(body)!["errors"]!.AsObject();
        Assert.That(errors.Select(e => e.Key), Is.EqualTo(new[] { "$" }));
        Assert.That((string?)errors["$"]![0], Does.Contain("must be UTF-8").And.Contain("line 2"));
        Assert.That(await CountAsync(), Is.EqualTo(before));
    }

    // Was: 500 when HubSpot failed the contact read of a training record.
    [Test]
    public async Task CreateTrainingRecord_HubSpotFailingTheContactRead_503WithRetryAfterAndNothingStored()
    {
        var before = await CountAsync();
        await _product.Emulator.AddFaultAsync(500, 50, "/objects/contacts/batch/read");
        try
        {
            using var response = await SendAsync(HttpMethod.Post, "/api/training-records",
                new StringContent($$"""{"contactId":"{{_contacts[30]}}","classification":"Ideal","score":80}""", Encoding.UTF8, "application/json"));

            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
            Assert.That(response.Headers.RetryAfter?.Delta, Is.Not.Null);
            Assert.That((string?)JsonNode.Parse(body)!["title"], Is.EqualTo("HubSpot unavailable"));
        }
        finally
        {
            await _product.Emulator.ClearFaultsAsync();
        }

        Assert.That(await CountAsync(), Is.EqualTo(before));
    }

    internal static string Object(long portal, string contact, long eventId) =>
        $$"""{"eventId":{{eventId}},"subscriptionId":310,"portalId":{{portal}},"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.creation","attemptNumber":0,"objectId":{{contact}}}""";

    internal static string Event(long portal, string contact, long eventId) => $"[{Object(portal, contact, eventId)}]";

    private async Task<long> RejectedAsync()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/ops", null, TestHost.AdminKey);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return (long)(await response.Content.ReadFromJsonAsync<JsonObject>())!["webhooks"]!["rejected"]!;
    }

    private async Task<int> CountAsync()
    {
        var count = 0;
        string? token = null;
        do
        {
            using var response = await SendAsync(HttpMethod.Get, "/api/training-records?pageSize=500" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)), null);
            var page = (await response.Content.ReadFromJsonAsync(LeadScoring.Core.Training.TrainingJsonContext.Default.TrainingRecordPage))!;
            count += page.Records.Count;
            token = page.ContinuationToken;
        }
        while (token is not null);
        return count;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, string key = TestHost.ManagerKey)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("x-functions-key", key);
        return await _product.Host.Client.SendAsync(request);
    }
}
