using System.Net;
using LeadScoring.HubSpotEmulator;

namespace LeadScoring.Tests.Emulator;

[TestFixture]
public sealed class ObjectTests
{
    private EmulatorServer _emulator = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 300, SearchRateLimit = 1000 });

    [OneTimeTearDown]
    public async Task StopAsync() => await _emulator.DisposeAsync();

    [Test]
    public async Task GetContact_WithPropertiesAndAssociations_ReturnsRequestedValuesAndAssociationBlock()
    {
        var id = await _emulator.FindIdAsync("contacts", """[{"propertyName":"num_associated_deals","operator":"GT","value":"0"},{"propertyName":"associatedcompanyid","operator":"HAS_PROPERTY"}]""");

        var reply = await _emulator.GetAsync($"/crm/v3/objects/contacts/{id}?properties=email,firstname,phone,ai_not_defined&associations=companies,deals");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK), reply.Text);
        var contact = reply.Json!;
        var properties = contact["properties"]!.AsObject();
        var companies = contact["associations"]!["companies"]!["results"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(contact["id"]!.GetValue<string>(), Is.EqualTo(id));
            Assert.That(properties["email"]!.GetValue<string>(), Does.Contain("@"));
            Assert.That(properties["hs_object_id"]!.GetValue<string>(), Is.EqualTo(id));
            Assert.That(properties.ContainsKey("ai_not_defined"), Is.False);
            Assert.That(properties.ContainsKey("lastname"), Is.False, "only requested (and always-returned) properties");
            Assert.That(contact["archived"]!.GetValue<bool>(), Is.False);
            Assert.That(companies.Select(c => c!["type"]!.GetValue<string>()), Does.Contain("contact_to_company"));
            Assert.That(contact["associations"]!["deals"]!["results"]!.AsArray(), Is.Not.Empty);
        });
    }

    [Test]
    public async Task GetContact_WithoutProperties_ReturnsDefaultPropertySet()
    {
        var reply = await _emulator.GetAsync("/crm/v3/objects/contacts/1001");

        var names = reply.Json!["properties"]!.AsObject().Select(p => p.Key).ToList();
        Assert.That(names, Is.SubsetOf(new[] { "createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname" }));
        Assert.That(names, Does.Contain("email").And.Contain("lastmodifieddate"));
    }

    [Test]
    public async Task GetContact_UnknownId_Returns404ObjectNotFound()
    {
        var reply = await _emulator.GetAsync("/crm/v3/objects/contacts/99999999");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(reply.Json!["category"]!.GetValue<string>(), Is.EqualTo("OBJECT_NOT_FOUND"));
    }

    [Test]
    public async Task BatchRead_WithMissingId_Returns207WithObjectNotFoundError()
    {
        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/read",
            """{"properties":["email","lifecyclestage"],"inputs":[{"id":"1001"},{"id":"1002"},{"id":"99999999"}]}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.MultiStatus), reply.Text);
        var error = reply.Json!["errors"]![0]!;
        Assert.Multiple(() =>
        {
            Assert.That(reply.Json!["status"]!.GetValue<string>(), Is.EqualTo("COMPLETE"));
            Assert.That(reply.Json!["results"]!.AsArray(), Has.Count.EqualTo(2));
            Assert.That(reply.Json!["numErrors"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(error["status"]!.GetValue<string>(), Is.EqualTo("error"));
            Assert.That(error["category"]!.GetValue<string>(), Is.EqualTo("OBJECT_NOT_FOUND"));
            Assert.That(error["context"]!["ids"]![0]!.GetValue<string>(), Is.EqualTo("99999999"));
        });
    }

    [Test]
    public async Task BatchRead_MoreThan100Inputs_Returns400ValidationError()
    {
        var inputs = string.Join(",", Enumerable.Range(1001, 101).Select(i => $$"""{"id":"{{i}}"}"""));

        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/read", $$"""{"properties":["email"],"inputs":[{{inputs}}]}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(reply.Json!["category"]!.GetValue<string>(), Is.EqualTo("VALIDATION_ERROR"));
    }

    [Test]
    public async Task BatchUpdate_ValidProperties_WritesValuesBumpsModifiedDateAndRecordsWrites()
    {
        var before = await _emulator.GetAsync("/crm/v3/objects/contacts/1010?properties=jobtitle");

        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/update",
            """{"inputs":[{"id":"1010","properties":{"jobtitle":"Chief Scoring Officer","hs_lead_status":"IN_PROGRESS"}}]}""");
        var after = await _emulator.GetAsync("/crm/v3/objects/contacts/1010?properties=jobtitle,hs_lead_status");
        var writes = await _emulator.GetAsync("/_emulator/contacts/1010/writes");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK), reply.Text);
        var properties = after.Json!["properties"]!;
        var logged = writes.Json!["writes"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(reply.Json!["status"]!.GetValue<string>(), Is.EqualTo("COMPLETE"));
            Assert.That(reply.Json!["results"]![0]!["id"]!.GetValue<string>(), Is.EqualTo("1010"));
            Assert.That(properties["jobtitle"]!.GetValue<string>(), Is.EqualTo("Chief Scoring Officer"));
            Assert.That(properties["hs_lead_status"]!.GetValue<string>(), Is.EqualTo("IN_PROGRESS"));
            Assert.That(
                DateTimeOffset.Parse(properties["lastmodifieddate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                Is.GreaterThan(DateTimeOffset.Parse(before.Json!["properties"]!["lastmodifieddate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(logged.Select(w => w!["property"]!.GetValue<string>()), Is.EquivalentTo(new[] { "jobtitle", "hs_lead_status" }));
            Assert.That(logged.Select(w => w!["source"]!.GetValue<string>()), Is.All.EqualTo("API"));
            Assert.That(logged[0]!["value"]!.GetValue<string>(), Is.EqualTo("Chief Scoring Officer"));
            Assert.That(logged[0]!["at"], Is.Not.Null);
        });
    }

    [Test]
    public async Task BatchUpdate_UnknownProperty_Returns400AndWritesNothing()
    {
        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/update",
            """{"inputs":[{"id":"1020","properties":{"jobtitle":"Should not be written"}},{"id":"1021","properties":{"ai_lead_score":"72"}}]}""");
        var contact = await _emulator.GetAsync("/crm/v3/objects/contacts/1020?properties=jobtitle");
        var writes = await _emulator.GetAsync("/_emulator/contacts/1020/writes");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest), reply.Text);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Json!["category"]!.GetValue<string>(), Is.EqualTo("VALIDATION_ERROR"));
            Assert.That(reply.Json!["message"]!.GetValue<string>(), Is.EqualTo("Property values were not valid"));
            Assert.That(reply.Json!["errors"]![0]!["in"]!.GetValue<string>(), Is.EqualTo("ai_lead_score"));
            Assert.That(contact.Json!["properties"]!["jobtitle"]?.GetValue<string>(), Is.Not.EqualTo("Should not be written"));
            Assert.That(writes.Json!["writes"]!.AsArray(), Is.Empty);
        });
    }

    [Test]
    public async Task BatchUpdate_UnknownIdAmongValid_Returns207AndWritesTheOthers()
    {
        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/update",
            """{"inputs":[{"id":"1030","properties":{"jobtitle":"Partial A"}},{"id":"99999998","properties":{"jobtitle":"Nobody"}},{"id":"1031","properties":{"jobtitle":"Partial B"}}]}""");
        var a = await _emulator.GetAsync("/crm/v3/objects/contacts/1030?properties=jobtitle");
        var b = await _emulator.GetAsync("/crm/v3/objects/contacts/1031?properties=jobtitle");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.MultiStatus), reply.Text);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Json!["results"]!.AsArray(), Has.Count.EqualTo(2));
            Assert.That(reply.Json!["numErrors"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(reply.Json!["errors"]![0]!["context"]!["ids"]![0]!.GetValue<string>(), Is.EqualTo("99999998"));
            Assert.That(a.Json!["properties"]!["jobtitle"]!.GetValue<string>(), Is.EqualTo("Partial A"));
            Assert.That(b.Json!["properties"]!["jobtitle"]!.GetValue<string>(), Is.EqualTo("Partial B"));
        });
    }

    [Test]
    public async Task BatchUpdate_ValueNotAnAllowedOption_Returns400()
    {
        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/update",
            """{"inputs":[{"id":"1040","properties":{"lifecyclestage":"hot_prospect"}}]}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(reply.Json!["errors"]![0]!["code"]!.GetValue<string>(), Is.EqualTo("INVALID_OPTION"));
    }

    [Test]
    public async Task AssociationsV4_ContactToCompany_ReturnsPrimaryAndUnlabeledTypeIds()
    {
        var id = await _emulator.FindIdAsync("contacts", """[{"propertyName":"associatedcompanyid","operator":"HAS_PROPERTY"}]""");

        var reply = await _emulator.GetAsync($"/crm/v4/objects/contact/{id}/associations/company");

        var types = reply.Json!["results"]![0]!["associationTypes"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(reply.Json!["results"]![0]!["toObjectId"]!.GetValue<long>(), Is.GreaterThan(0));
            Assert.That(types.Select(t => t!["typeId"]!.GetValue<int>()), Is.EquivalentTo(new[] { 1, 279 }));
            Assert.That(types.Select(t => t!["category"]!.GetValue<string>()), Is.All.EqualTo("HUBSPOT_DEFINED"));
            Assert.That(types.Single(t => t!["typeId"]!.GetValue<int>() == 1)!["label"]!.GetValue<string>(), Is.EqualTo("Primary"));
        });
    }

    [Test]
    public async Task AssociationsV4_BatchReadContactsToDeals_ReturnsTypeId4AndErrorsForContactsWithoutDeals()
    {
        var withDeal = await _emulator.FindIdAsync("contacts", """[{"propertyName":"num_associated_deals","operator":"GT","value":"0"}]""");
        var withoutDeal = await _emulator.FindIdAsync("contacts", """[{"propertyName":"num_associated_deals","operator":"EQ","value":"0"}]""");

        var reply = await _emulator.PostAsync("/crm/v4/associations/contacts/deals/batch/read", $$"""{"inputs":[{"id":"{{withDeal}}"},{"id":"{{withoutDeal}}"}]}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.MultiStatus), reply.Text);
        var result = reply.Json!["results"]!.AsArray().Single()!;
        Assert.Multiple(() =>
        {
            Assert.That(result["from"]!["id"]!.GetValue<string>(), Is.EqualTo(withDeal));
            Assert.That(result["to"]![0]!["associationTypes"]![0]!["typeId"]!.GetValue<int>(), Is.EqualTo(4));
            Assert.That(reply.Json!["errors"]![0]!["context"]!["fromObjectId"]![0]!.GetValue<string>(), Is.EqualTo(withoutDeal));
        });
    }

    [Test]
    public async Task AssociationsV4_DealToContact_UsesTypeId3()
    {
        var reply = await _emulator.GetAsync("/crm/v4/objects/deals/9000001/associations/contacts");

        Assert.That(reply.Json!["results"]![0]!["associationTypes"]![0]!["typeId"]!.GetValue<int>(), Is.EqualTo(3));
    }

    [Test]
    public async Task GetEngagements_SeededCall_HasDispositionGuidAndTimestamp()
    {
        var reply = await _emulator.GetAsync("/crm/v3/objects/calls/50000001?properties=hs_timestamp,hs_call_status,hs_call_disposition&associations=contacts");

        var properties = reply.Json!["properties"]!;
        Assert.Multiple(() =>
        {
            Assert.That(properties["hs_call_disposition"]!.GetValue<string>(), Is.AnyOf(
                "f240bbac-87c9-4f6e-bf70-924b57d47db7", "73a0d17f-1163-4015-bdd5-ec830791da20", "b2cf5968-551e-4856-9783-52b3da59a7d0", "9d9162e7-6cf3-4944-bf63-4dff82258764"));
            Assert.That(properties["hs_timestamp"], Is.Not.Null);
            Assert.That(reply.Json!["associations"]!["contacts"]!["results"]!.AsArray(), Is.Not.Empty);
        });
    }
}
