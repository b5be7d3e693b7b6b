using System.Globalization;
using System.Net;
using LeadScoring.HubSpotEmulator;

namespace LeadScoring.Tests.Emulator;

[TestFixture]
public sealed class SearchTests
{
    private const int Contacts = 500;
    private EmulatorServer _emulator = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = Contacts, Seed = 7, SearchRateLimit = 1000 });

    [OneTimeTearDown]
    public async Task StopAsync() => await _emulator.DisposeAsync();

    [Test]
    public async Task Search_PagingAllContactsBy200_ReturnsEveryContactOnceAndEndsWithoutPaging()
    {
        var ids = new List<string>();
        string? after = null;
        var pages = 0;
        int total;
        do
        {
            var afterJson = after is null ? "" : $",\"after\":\"{after}\"";
            var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/search",
                $$"""{"filterGroups":[],"sorts":[{"propertyName":"hs_object_id","direction":"ASCENDING"}],"properties":["email"],"limit":200{{afterJson}}}""");
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK), reply.Text);
            total = reply.Json!["total"]!.GetValue<int>();
            ids.AddRange(reply.Json!["results"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
            after = reply.Json!["paging"]?["next"]?["after"]?.GetValue<string>();
            pages++;
        }
        while (after is not null && pages < 10);

        Assert.Multiple(() =>
        {
            Assert.That(pages, Is.EqualTo(3));
            Assert.That(total, Is.EqualTo(Contacts));
            Assert.That(ids, Has.Count.EqualTo(Contacts));
            Assert.That(ids, Is.Unique);
        });
    }

    [Test]
    public async Task Search_AfterPlusLimitBeyond10000_Returns400ValidationError()
    {
        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/search", """{"limit":200,"after":"9900"}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(reply.Json!["category"]!.GetValue<string>(), Is.EqualTo("VALIDATION_ERROR"));
    }

    [Test]
    public async Task Search_LastModifiedDateGte_ReturnsOnlyContactsModifiedSinceThenOldestFirst()
    {
        var newest = await _emulator.PostAsync("/crm/v3/objects/contacts/search",
            """{"sorts":[{"propertyName":"lastmodifieddate","direction":"DESCENDING"}],"properties":["lastmodifieddate"],"limit":40}""");
        var threshold = Millis(newest.Json!["results"]![39]!["properties"]!["lastmodifieddate"]!.GetValue<string>());

        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/search",
            $$"""{"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"GTE","value":"{{threshold}}"}]}],"sorts":[{"propertyName":"lastmodifieddate","direction":"ASCENDING"}],"properties":["lastmodifieddate"],"limit":100}""");

        var modified = reply.Json!["results"]!.AsArray().Select(r => Millis(r!["properties"]!["lastmodifieddate"]!.GetValue<string>())).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(reply.Json!["total"]!.GetValue<int>(), Is.GreaterThanOrEqualTo(40).And.LessThan(Contacts));
            Assert.That(modified, Is.All.GreaterThanOrEqualTo(threshold));
            Assert.That(modified, Is.Ordered.Ascending);
        });
    }

    [Test]
    public async Task Search_AssociationsContactOnEmails_ReturnsThatContactsEmails()
    {
        var contactId = await _emulator.FindIdAsync("contacts", """[{"propertyName":"num_notes","operator":"GTE","value":"3"}]""");
        var associated = await _emulator.GetAsync($"/crm/v4/objects/contacts/{contactId}/associations/emails");
        var expected = associated.Json!["results"]!.AsArray().Select(r => r!["toObjectId"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture)).ToList();

        var reply = await _emulator.PostAsync("/crm/v3/objects/emails/search",
            $$"""{"filterGroups":[{"filters":[{"propertyName":"associations.contact","operator":"EQ","value":"{{contactId}}"}]}],"sorts":[{"propertyName":"hs_timestamp","direction":"DESCENDING"}],"properties":["hs_timestamp","hs_email_direction"],"limit":200}""");

        var ids = reply.Json!["results"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        Assert.That(expected, Is.Not.Empty);
        Assert.That(ids, Is.EquivalentTo(expected));
    }

    [Test]
    public async Task Search_InOperatorWithOtherCase_MatchesCaseInsensitively()
    {
        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/search",
            """{"filterGroups":[{"filters":[{"propertyName":"lifecyclestage","operator":"IN","values":["CUSTOMER"]}]}],"properties":["lifecyclestage"],"limit":200}""");

        var stages = reply.Json!["results"]!.AsArray().Select(r => r!["properties"]!["lifecyclestage"]!.GetValue<string>()).ToList();
        Assert.That(stages, Is.Not.Empty.And.All.EqualTo("customer"));
    }

    [Test]
    public async Task Search_RequestedPropertyWithoutValue_IsReturnedAsNull()
    {
        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/search",
            """{"filterGroups":[{"filters":[{"propertyName":"mobilephone","operator":"NOT_HAS_PROPERTY"}]}],"properties":["mobilephone"],"limit":1}""");

        var properties = reply.Json!["results"]![0]!["properties"]!.AsObject();
        Assert.That(properties.ContainsKey("mobilephone") && properties["mobilephone"] is null, Is.True);
    }

    [TestCase(6, 1)]
    [TestCase(1, 7)]
    [TestCase(4, 5)]
    public async Task Search_BeyondFilterLimits_Returns400(int groups, int filtersPerGroup)
    {
        var filter = """{"propertyName":"lifecyclestage","operator":"EQ","value":"lead"}""";
        var group = $$"""{"filters":[{{string.Join(",", Enumerable.Repeat(filter, filtersPerGroup))}}]}""";

        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/search", $$"""{"filterGroups":[{{string.Join(",", Enumerable.Repeat(group, groups))}}]}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(reply.Json!["category"]!.GetValue<string>(), Is.EqualTo("VALIDATION_ERROR"));
    }

    [Test]
    public async Task Search_LimitAbove200_Returns400()
    {
        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/search", """{"limit":201}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    private static long Millis(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
}
