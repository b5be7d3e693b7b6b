using System.Net;
using LeadScoring.HubSpotEmulator;

namespace LeadScoring.Tests.Emulator;

[TestFixture]
public sealed class AdminTests
{
    private EmulatorServer _emulator = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 40 });

    [OneTimeTearDown]
    public async Task StopAsync() => await _emulator.DisposeAsync();

    [Test]
    public async Task Activity_EmailReply_AddsAssociatedEmailAndUpdatesContact()
    {
        var reply = await _emulator.PostAsync("/_emulator/contacts/1004/activity", """{"type":"email_reply"}""");
        var engagementId = reply.Json!["engagementId"]!.GetValue<string>();

        var contact = await _emulator.GetAsync("/crm/v3/objects/contacts/1004?properties=hs_sales_email_last_replied,notes_last_updated");
        var emails = await _emulator.PostAsync("/crm/v3/objects/emails/search",
            """{"filterGroups":[{"filters":[{"propertyName":"associations.contact","operator":"EQ","value":"1004"}]}],"properties":["hs_email_direction"],"limit":200}""");

        var email = emails.Json!["results"]!.AsArray().Single(e => e!["id"]!.GetValue<string>() == engagementId)!;
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(email["properties"]!["hs_email_direction"]!.GetValue<string>(), Is.EqualTo("INCOMING_EMAIL"));
            Assert.That(contact.Json!["properties"]!["hs_sales_email_last_replied"], Is.Not.Null);
            Assert.That(contact.Json!["updatedAt"]!.GetValue<string>(), Is.EqualTo(contact.Json!["properties"]!["lastmodifieddate"]!.GetValue<string>()));
        });
    }

    [Test]
    public async Task Activity_UnknownType_Returns400()
    {
        var reply = await _emulator.PostAsync("/_emulator/contacts/1004/activity", """{"type":"carrier_pigeon"}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task CreateContacts_Bulk_AddsSearchableLeadsWithGroundTruth()
    {
        var before = (await _emulator.PostAsync("/crm/v3/objects/contacts/search", """{"limit":1}""")).Json!["total"]!.GetValue<int>();

        var created = await _emulator.PostAsync("/_emulator/contacts", """{"count":5}""");
        var after = (await _emulator.PostAsync("/crm/v3/objects/contacts/search", """{"limit":1}""")).Json!["total"]!.GetValue<int>();
        var truth = await _emulator.GetAsync("/_emulator/ground-truth");

        var ids = created.Json!["ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(after, Is.EqualTo(before + 5));
            Assert.That(ids.Select(id => truth.Json!["contacts"]![id]), Is.All.Not.Null);
        });
    }

    [Test]
    public async Task CreateDeals_ForContact_AddsAssociatedDealAndRollsUpCount()
    {
        var created = await _emulator.PostAsync("/_emulator/deals", """{"contactId":"1006","count":2,"dealstage":"qualifiedtobuy"}""");

        var associations = await _emulator.GetAsync("/crm/v4/objects/contacts/1006/associations/deals");
        var contact = await _emulator.GetAsync("/crm/v3/objects/contacts/1006?properties=num_associated_deals,lifecyclestage");

        var dealIds = associations.Json!["results"]!.AsArray().Select(r => r!["toObjectId"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(dealIds, Is.SupersetOf(created.Json!["ids"]!.AsArray().Select(i => i!.GetValue<string>())));
            Assert.That(contact.Json!["properties"]!["num_associated_deals"]!.GetValue<string>(), Is.EqualTo(dealIds.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
    }

    [Test]
    public async Task RequestLog_RecordsApiRequestsButNotAdminCalls()
    {
        await _emulator.SendAsync(HttpMethod.Delete, "/_emulator/requests");

        await _emulator.GetAsync("/crm/v3/objects/contacts/1001");
        await _emulator.GetAsync("/crm/v3/objects/contacts/99999999");
        var log = await _emulator.GetAsync("/_emulator/requests");

        var entries = log.Json!["results"]!.AsArray();
        Assert.That(entries.Select(e => (e!["method"]!.GetValue<string>(), e["path"]!.GetValue<string>(), e["status"]!.GetValue<int>())), Is.EqualTo(new[]
        {
            ("GET", "/crm/v3/objects/contacts/1001", 200),
            ("GET", "/crm/v3/objects/contacts/99999999", 404),
        }));
    }
}
