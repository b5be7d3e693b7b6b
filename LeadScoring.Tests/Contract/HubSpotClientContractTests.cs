using System.Diagnostics;
using System.Net;
using LeadScoring.Core.HubSpot;
using LeadScoring.HubSpotEmulator;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.Contract;

/// <summary>
/// The product's HubSpot client against the emulator over real HTTP: every operation, paging, chunking,
/// partial failures, retries, rate limits and OAuth. The emulator is the other side of the wire (no shared code).
/// </summary>
[TestFixture]
public sealed class HubSpotClientContractTests
{
    private EmulatorServer _emulator = null!;
    private ServiceProvider _services = null!;
    private HubSpotClient _client = null!;
    private List<HubSpotObject> _contacts = null!;

    [OneTimeSetUp]
    public async Task StartEmulator()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 260, RateLimit = 1000, SearchRateLimit = 50 });
        _services = _emulator.ClientServices(o => o.RequestsPer10Seconds = 1000);
        _client = _services.GetRequiredService<HubSpotClient>();
        _contacts = await ToListAsync(_client.SearchModifiedSinceAsync("contacts", DateTimeOffset.UnixEpoch, ["email", "lifecyclestage"]));
    }

    [OneTimeTearDown]
    public async Task StopEmulator()
    {
        await _services.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [SetUp]
    public async Task ResetLogs()
    {
        await _emulator.ClearFaultsAsync();
        await _emulator.ClearRequestsAsync();
    }

    [Test]
    public void SearchModifiedSince_AllContacts_PagesThroughEveryOneOnce()
    {
        Assert.That(_contacts, Has.Count.EqualTo(260));
        Assert.That(_contacts.Select(c => c.Id), Is.Unique);
        var modified = _contacts.Select(c => HubSpotClient.ParseTimestamp(c.Get("lastmodifieddate"))!.Value).ToList();
        Assert.That(modified, Is.Ordered, "oldest first");
    }

    [Test]
    public async Task SearchModifiedSince_LaterCheckpoint_ReturnsExactlyTheContactsModifiedSince()
    {
        var now = await ToListAsync(_client.SearchModifiedSinceAsync("contacts", DateTimeOffset.UnixEpoch, []));
        var stamps = now.ToDictionary(c => c.Id, c => HubSpotClient.ParseTimestamp(c.Get("lastmodifieddate"))!.Value);
        var since = DateTimeOffset.FromUnixTimeMilliseconds(stamps.Values.Order().ElementAt(stamps.Count / 2));

        var newer = await ToListAsync(_client.SearchModifiedSinceAsync("contacts", since, []));

        var expected = stamps.Where(s => s.Value >= since.ToUnixTimeMilliseconds()).Select(s => s.Key);
        Assert.That(newer.Select(c => c.Id), Is.EquivalentTo(expected));
        Assert.That(newer, Has.Count.LessThan(now.Count));
    }

    [Test]
    public async Task GetObject_Contact_ReturnsTheRequestedProperties()
    {
        var contact = await _client.GetObjectAsync("contacts", _contacts[0].Id, HubSpotProperties.Contact);

        Assert.That(contact?.Get("lifecyclestage"), Is.Not.Null);
        Assert.That(contact!.Properties.Keys, Has.None.EqualTo("email"), "only what was asked for");
    }

    [Test]
    public async Task GetObject_UnknownId_ReturnsNull()
    {
        var missing = await _client.GetObjectAsync("contacts", "999999999", ["lifecyclestage"]);

        Assert.That(missing, Is.Null);
    }

    [Test]
    public async Task BatchRead_250Ids_SendsThreeRequestsOfAtMost100AndReportsMissing()
    {
        var ids = _contacts.Take(248).Select(c => c.Id).Append("999999998").Append("999999999").ToList();

        var result = await _client.BatchReadAsync("contacts", ids, ["lifecyclestage"]);

        Assert.That(result.Objects, Has.Count.EqualTo(248));
        Assert.That(result.MissingIds, Is.EquivalentTo(new[] { "999999998", "999999999" }));
        Assert.That(await _emulator.RequestsAsync("/contacts/batch/read"), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task GetAssociations_ContactsToCompanies_MapsEveryInput()
    {
        var ids = _contacts.Take(150).Select(c => c.Id).ToList();

        var map = await _client.GetAssociationsAsync("contacts", ids, "companies");

        Assert.That(map.Keys, Is.EquivalentTo(ids));
        Assert.That(map.Values.Count(v => v.Count > 0), Is.GreaterThan(100), "most seeded contacts have a company");
        Assert.That(await _emulator.RequestsAsync("/associations/contacts/companies/batch/read"), Has.Count.EqualTo(1), "up to 1,000 inputs per v4 batch read");
    }

    [Test]
    public async Task EnsureProperties_CalledTwice_CreatesOnceAndSucceedsBothTimes()
    {
        await _client.EnsurePropertiesAsync("contacts", LeadScoreProperties.Group, LeadScoreProperties.Definitions);
        var creates = (await _emulator.RequestsAsync("/crm/v3/properties/contacts", "POST")).Count(r => r.Status == 201);

        await _client.EnsurePropertiesAsync("contacts", LeadScoreProperties.Group, LeadScoreProperties.Definitions);

        var all = await _emulator.RequestsAsync("/crm/v3/properties/contacts", "POST");
        Assert.That(all.Count(r => r.Status is 200 or 201), Is.LessThanOrEqualTo(LeadScoreProperties.Definitions.Count + 1), "each property created at most once");
        Assert.That(all.Count(r => r.Status is 200 or 201), Is.EqualTo(creates));
    }

    [Test]
    public async Task BatchUpdate_250Contacts_WritesInChunksOf100()
    {
        await _client.EnsurePropertiesAsync("contacts", LeadScoreProperties.Group, LeadScoreProperties.Definitions);
        var updates = _contacts.Take(250).Select((c, i) => new ObjectUpdate(c.Id, new Dictionary<string, string> { [LeadScoreProperties.Score] = $"{i % 101}" })).ToList();

        var result = await _client.BatchUpdateAsync("contacts", updates);

        Assert.That(result.Updated, Has.Count.EqualTo(250));
        Assert.That(result.Failed, Is.Empty);
        Assert.That(await _emulator.RequestsAsync("/contacts/batch/update"), Has.Count.EqualTo(3));
        var writes = await _emulator.WritesAsync(_contacts[7].Id);
        Assert.That(writes.Select(w => (w.Property, w.Value)), Does.Contain((LeadScoreProperties.Score, "7")));
    }

    [Test]
    public async Task BatchUpdate_OneUnknownId_ReportsItAndWritesTheOthers()
    {
        await _client.EnsurePropertiesAsync("contacts", LeadScoreProperties.Group, LeadScoreProperties.Definitions);
        ObjectUpdate[] updates =
        [
            new(_contacts[0].Id, new Dictionary<string, string> { [LeadScoreProperties.Fit] = "High" }),
            new("999999999", new Dictionary<string, string> { [LeadScoreProperties.Fit] = "High" }),
        ];

        var result = await _client.BatchUpdateAsync("contacts", updates);

        Assert.That(result.Updated, Is.EqualTo(new[] { _contacts[0].Id }));
        Assert.That(result.Failed.Select(f => f.Id), Is.EqualTo(new[] { "999999999" }));
        Assert.That((await _emulator.WritesAsync(_contacts[0].Id)).Select(w => (w.Property, w.Value)), Does.Contain((LeadScoreProperties.Fit, "High")));
    }

    [Test]
    public async Task BatchUpdate_UnknownProperty_ThrowsValidationErrorAndWritesNothing()
    {
        var before = (await _emulator.WritesAsync(_contacts[1].Id)).Count;

        var ex = Assert.ThrowsAsync<HubSpotApiException>(() => _client.BatchUpdateAsync("contacts",
            [new ObjectUpdate(_contacts[1].Id, new Dictionary<string, string> { ["ai_no_such_property"] = "1" })]));

        Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(ex.Category, Is.EqualTo("VALIDATION_ERROR"));
        Assert.That(ex.CorrelationId, Is.Not.Null.And.Not.Empty);
        Assert.That(ex.Message, Does.Contain("ai_no_such_property"));
        Assert.That(await _emulator.RequestsAsync("/contacts/batch/update"), Has.Count.EqualTo(1), "a 400 is not retried");
        Assert.That(await _emulator.WritesAsync(_contacts[1].Id), Has.Count.EqualTo(before));
    }

    [Test]
    public async Task EnrollInWorkflow_KnownContact_IsRecordedByHubSpot()
    {
        var contact = _contacts.First(c => c.Get("email") is not null);

        await _client.EnrollInWorkflowAsync(_emulator.Options.WorkflowId, contact.Get("email")!);

        Assert.That(await _emulator.EnrollmentsAsync(), Does.Contain((_emulator.Options.WorkflowId, contact.Id)));
    }

    [Test]
    public async Task EnrollInWorkflow_AtTraceLevel_NeverLogsTheEmailInTheUri()
    {
        var logs = new CapturedLogs();
        await using var services = _emulator.ClientServices(o => o.RequestsPer10Seconds = 1000, logs: logs);
        var contact = _contacts.First(c => c.Get("email") is not null);

        await services.GetRequiredService<HubSpotClient>().EnrollInWorkflowAsync(_emulator.Options.WorkflowId, contact.Get("email")!);

        Assert.That(logs.Lines, Has.None.Contains(contact.Get("email")!).And.None.Contains(Uri.EscapeDataString(contact.Get("email")!)));
    }

    [Test]
    public void EnrollInWorkflow_UnknownWorkflow_ThrowsNotFoundWithCorrelationId()
    {
        var ex = Assert.ThrowsAsync<HubSpotApiException>(() => _client.EnrollInWorkflowAsync(424242, _contacts[0].Get("email")!));

        Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(ex.CorrelationId, Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public async Task AnyCall_429WithRetryAfter_WaitsThatLongAndSucceedsOnTheThirdAttempt()
    {
        await _emulator.AddFaultAsync(429, count: 2, pathContains: "/crm/v3/objects/contacts/", retryAfterSeconds: 1);
        var watch = Stopwatch.StartNew();

        var contact = await _client.GetObjectAsync("contacts", _contacts[0].Id, ["lifecyclestage"]);

        Assert.That(contact, Is.Not.Null);
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9)), "two Retry-After: 1 waits");
        var attempts = await _emulator.RequestsAsync($"/crm/v3/objects/contacts/{_contacts[0].Id}");
        Assert.That(attempts.Select(a => a.Status), Is.EqualTo(new[] { 429, 429, 200 }));
    }

    [Test]
    public async Task AnyCall_Persistent503_IsRetriedThreeTimesThenSurfacedAsTypedError()
    {
        await _emulator.AddFaultAsync(503, count: 10, pathContains: "/crm/v3/objects/contacts/");

        var ex = Assert.ThrowsAsync<HubSpotApiException>(() => _client.GetObjectAsync("contacts", _contacts[0].Id, ["lifecyclestage"]));

        Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(await _emulator.RequestsAsync($"/crm/v3/objects/contacts/{_contacts[0].Id}"), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task AnyCall_One502_IsRetriedTransparently()
    {
        await _emulator.AddFaultAsync(502, count: 1, pathContains: "/batch/read");

        var result = await _client.BatchReadAsync("contacts", [_contacts[0].Id], ["lifecyclestage"]);

        Assert.That(result.Objects, Has.Count.EqualTo(1));
        Assert.That((await _emulator.RequestsAsync("/contacts/batch/read")).Select(r => r.Status), Is.EqualTo(new[] { 502, 200 }));
    }

    [Test]
    public async Task LeadReader_ContactWithCompanyDealsAndEngagements_GathersThePrimaryCompanyAndNoPii()
    {
        var reader = _services.GetRequiredService<HubSpotLeadReader>();
        var ids = _contacts.Take(40).Select(c => c.Id).ToList();
        var primary = await _client.GetAssociationsWithPrimaryAsync("contacts", ids, "companies");

        var records = await reader.ReadManyAsync(ids);

        var withCompany = ids.Where(id => primary[id].Any(a => a.IsPrimary)).ToList();
        Assert.That(withCompany, Is.Not.Empty, "the seed gives most contacts a company");
        foreach (var id in withCompany)
        {
            // The reader takes the company from associatedcompanyid: it must be the primary association's.
            Assert.That(records[id].Company?.Id, Is.EqualTo(primary[id].Single(a => a.IsPrimary).Id), $"{id}: associatedcompanyid {records[id].Contact.Get("associatedcompanyid")}");
        }

        Assert.That(withCompany.Count(id => records[id].Company?.Get("industry") is not null), Is.GreaterThan(withCompany.Count / 2), "company properties are read");

        Assert.That(records.Values.SelectMany(r => r.Contact.Properties.Keys), Has.None.AnyOf("email", "firstname", "lastname", "phone"), "PII is never requested");
        Assert.That(records.Values.SelectMany(r => r.Engagements).SelectMany(e => e.Record.Properties.Keys), Has.None.AnyOf("hs_note_body", "hs_email_text", "hs_email_subject"));
    }

    [Test]
    public async Task LeadReader_ReadMany_SameRecordsAsOneByOneInAConstantNumberOfCalls()
    {
        var reader = _services.GetRequiredService<HubSpotLeadReader>();
        var ids = _contacts.Take(60).Select(c => c.Id).Append("999999999").ToList();

        var many = await reader.ReadManyAsync(ids);

        var calls = (await _emulator.RequestsAsync("/crm/")).Count;
        // 1 contacts read + 5 association reads (deals, 4 engagement types) + companies, deals and 4 engagement types
        // (a type with over 100 ids takes 2).
        Assert.That(calls, Is.LessThanOrEqualTo(1 + 5 + (2 * 6)), "batch reads per object type, not per lead (60 leads one by one take ~420)");
        Assert.That(many.Keys, Is.EquivalentTo(ids.Take(60)), "the unknown contact is simply absent");
        Assert.That(await _emulator.RequestsAsync("/crm/v4/associations/contacts/companies"), Is.Empty, "the primary company comes from associatedcompanyid");
        foreach (var id in ids.Take(5))
        {
            var one = (await reader.ReadManyAsync([id]))[id];
            Assert.That(many[id].Company?.Id, Is.EqualTo(one.Company?.Id), id);
            Assert.That(many[id].Deals.Select(d => d.Id), Is.EquivalentTo(one.Deals.Select(d => d.Id)), id);
            Assert.That(many[id].Engagements.Select(e => e.Record.Id), Is.EquivalentTo(one.Engagements.Select(e => e.Record.Id)), id);
        }
    }

    [Test]
    public async Task LeadReader_ContactsWithoutDeals_AreNotLookedUpForDeals()
    {
        var reader = _services.GetRequiredService<HubSpotLeadReader>();
        var withoutDeals = _contacts.Take(200).Select(c => c.Id).ToList();
        var counts = await _client.BatchReadAsync("contacts", withoutDeals, ["num_associated_deals"]);
        withoutDeals = [.. counts.Objects.Where(c => c.Get("num_associated_deals") is null or "0").Select(c => c.Id).Take(20)];
        Assume.That(withoutDeals, Is.Not.Empty);
        await _emulator.ClearRequestsAsync();

        var records = await reader.ReadManyAsync(withoutDeals);

        Assert.That(records.Values.SelectMany(r => r.Deals), Is.Empty);
        Assert.That(await _emulator.RequestsAsync("/crm/v4/associations/contacts/deals"), Is.Empty);
    }

    [Test]
    public async Task LeadReader_Gather_OneEngagementTypeDown_FailsOnlyTheLeadsThatHaveIt()
    {
        await using var services = _emulator.ClientServices(o => { o.RequestsPer10Seconds = 1000; o.RetryBaseDelay = TimeSpan.FromMilliseconds(10); });
        var reader = services.GetRequiredService<HubSpotLeadReader>();
        var ids = _contacts.Take(60).Select(c => c.Id).ToList();
        var meetings = await _client.GetAssociationsAsync("contacts", ids, "meetings");
        var withMeetings = ids.Where(id => meetings[id].Count > 0).ToList();
        Assume.That(withMeetings, Is.Not.Empty.And.Count.LessThan(ids.Count), "the seed gives some contacts meetings and some none");
        await _emulator.AddFaultAsync(503, count: 10_000, pathContains: "/crm/v3/objects/meetings/batch/read");
        await _emulator.ClearRequestsAsync();

        var gather = await reader.GatherAsync(ids);

        Assert.That(gather.Failed.Keys, Is.EquivalentTo(withMeetings), "a lead whose meetings could not be read is not scored from half its data");
        Assert.That(gather.Records.Keys, Is.EquivalentTo(ids.Except(withMeetings)), "every other lead is gathered");
        var meetingCalls = (await _emulator.RequestsAsync("/crm/v3/objects/meetings/batch/read")).Count;
        Assert.That(meetingCalls, Is.LessThanOrEqualTo(3 * 3), "an endpoint that is down costs the chunk and its two halves (3 attempts each), not one call per lead");
        Assert.ThrowsAsync<HubSpotApiException>(async () => await reader.ReadManyAsync(ids), "the strict read still throws");
    }

    [Test]
    public async Task LeadReader_Gather_OneCallFailingThroughItsRetries_IsReadAgainInHalves()
    {
        await using var services = _emulator.ClientServices(o => { o.RequestsPer10Seconds = 1000; o.RetryBaseDelay = TimeSpan.FromMilliseconds(10); o.MaxAttempts = 3; });
        var reader = services.GetRequiredService<HubSpotLeadReader>();
        var ids = _contacts.Take(200).Select(c => c.Id).ToList();
        await _emulator.AddFaultAsync(502, count: 3, pathContains: "/crm/v3/objects/contacts/batch/read");

        var gather = await reader.GatherAsync(ids);

        Assert.That(gather.Failed, Is.Empty);
        Assert.That(gather.Records.Keys, Is.EquivalentTo(ids), "the chunk whose call failed 3 times was read as two halves");
        Assert.That((await _emulator.RequestsAsync("/crm/v3/objects/contacts/batch/read")).Count(r => r.Status == 502), Is.EqualTo(3));
    }

    [Test]
    public async Task LeadReader_Gather_HubSpotRefusingTheRequest_Throws()
    {
        await using var services = _emulator.ClientServices(o => { o.RequestsPer10Seconds = 1000; o.RetryBaseDelay = TimeSpan.FromMilliseconds(10); });
        var reader = services.GetRequiredService<HubSpotLeadReader>();
        await _emulator.AddFaultAsync(403, count: 10_000, pathContains: "/crm/v3/objects/contacts/batch/read");

        var error = Assert.ThrowsAsync<HubSpotApiException>(async () => await reader.GatherAsync([.. _contacts.Take(150).Select(c => c.Id)]));

        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await _emulator.RequestsAsync("/crm/v3/objects/contacts/batch/read")).Count, Is.LessThanOrEqualTo(2), "a refusal is not split and repeated");
    }

    internal static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
