using System.Net;
using LeadScoring.HubSpotEmulator;

namespace LeadScoring.Tests.Emulator;

/// <summary>A contact's <c>associatedcompanyid</c> is always its primary company association (and absent without one).</summary>
[TestFixture]
public sealed class PrimaryCompanyTests
{
    private EmulatorServer _emulator = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 120, RateLimit = 10_000, SearchRateLimit = 1000 });

    [OneTimeTearDown]
    public async Task StopAsync() => await _emulator.DisposeAsync();

    [Test]
    public async Task SeededAndAdminCreatedContacts_AssociatedCompanyIdIsThePrimaryCompany()
    {
        await _emulator.PostAsync("/_emulator/contacts", """{"count":30}""");

        var mismatches = await MismatchesAsync();

        Assert.That(mismatches, Is.Empty);
    }

    [Test]
    public async Task Patch_AssociatedCompanyId_MovesThePrimaryAssociationAndKeepsTheOldOneUnlabeled()
    {
        var contact = await _emulator.FindIdAsync("contacts", """[{"propertyName":"associatedcompanyid","operator":"HAS_PROPERTY"}]""");
        var (oldPrimary, _) = await PrimaryAsync(contact);
        var target = oldPrimary == 5000002 ? 5000003 : 5000002;
        var countBefore = await ContactCountAsync(target);

        var patch = await _emulator.SendAsync(HttpMethod.Patch, $"/crm/v3/objects/contacts/{contact}", $$$"""{"properties":{"associatedcompanyid":"{{{target}}}"}}""");

        var (primary, companies) = await PrimaryAsync(contact);
        var property = await PropertyAsync(contact);
        Assert.Multiple(() =>
        {
            Assert.That(patch.Status, Is.EqualTo(HttpStatusCode.OK), patch.Text);
            Assert.That(primary, Is.EqualTo(target));
            Assert.That(property, Is.EqualTo(target.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(companies[oldPrimary!.Value], Is.EquivalentTo(new[] { 279 }), "the old company stays associated, unlabeled");
            Assert.That(companies[target], Is.EquivalentTo(new[] { 1, 279 }));
        });
        Assert.That(await ContactCountAsync(target), Is.EqualTo(countBefore + 1));
    }

    [Test]
    public async Task BatchUpdate_EmptyAssociatedCompanyId_LeavesNoPrimaryCompany()
    {
        var contact = await _emulator.FindIdAsync("contacts", """[{"propertyName":"associatedcompanyid","operator":"HAS_PROPERTY"}]""");

        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/update", $$$"""{"inputs":[{"id":"{{{contact}}}","properties":{"associatedcompanyid":""}}]}""");

        var (primary, companies) = await PrimaryAsync(contact);
        Assert.Multiple(async () =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK), reply.Text);
            Assert.That(primary, Is.Null);
            Assert.That(companies.Values.SelectMany(t => t), Has.None.EqualTo(1));
            Assert.That(await PropertyAsync(contact), Is.Null);
        });
    }

    [Test]
    public async Task Create_WithAssociatedCompanyId_AssociatesThatCompanyAsPrimary()
    {
        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts", """{"properties":{"email":"primary.company@example.com","associatedcompanyid":"5000004"}}""");
        var id = reply.Json!["id"]!.GetValue<string>();

        var (primary, _) = await PrimaryAsync(id);

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Created), reply.Text);
        Assert.That(primary, Is.EqualTo(5000004));
    }

    [Test]
    public async Task AdminCreate_WithAssociatedCompanyIdOverride_UsesItAsPrimary()
    {
        var reply = await _emulator.PostAsync("/_emulator/contacts", """{"count":2,"properties":{"associatedcompanyid":"5000005"}}""");
        var ids = reply.Json!["ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();

        foreach (var id in ids)
        {
            var (primary, companies) = await PrimaryAsync(id);
            Assert.That(primary, Is.EqualTo(5000005));
            Assert.That(companies.Values.Count(t => t.Contains(1)), Is.EqualTo(1), "one primary company only");
        }
    }

    [Test]
    public async Task Update_AssociatedCompanyIdOfNoCompany_Returns400AndChangesNothing()
    {
        var contact = await _emulator.FindIdAsync("contacts", """[{"propertyName":"associatedcompanyid","operator":"HAS_PROPERTY"}]""");
        var before = await PropertyAsync(contact);

        var reply = await _emulator.SendAsync(HttpMethod.Patch, $"/crm/v3/objects/contacts/{contact}", """{"properties":{"associatedcompanyid":"123"}}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest), reply.Text);
        Assert.That(reply.Json!["errors"]![0]!["in"]!.GetValue<string>(), Is.EqualTo("associatedcompanyid"));
        Assert.That(await PropertyAsync(contact), Is.EqualTo(before));
    }

    /// <summary>Every contact whose property and primary association disagree (v3 list with the associations block).</summary>
    private async Task<List<string>> MismatchesAsync()
    {
        var mismatches = new List<string>();
        string? after = null;
        do
        {
            var page = await _emulator.GetAsync($"/crm/v3/objects/contacts?limit=100&properties=associatedcompanyid&associations=companies{(after is null ? "" : "&after=" + after)}");
            foreach (var contact in page.Json!["results"]!.AsArray())
            {
                var property = contact!["properties"]!["associatedcompanyid"]?.GetValue<string>();
                var primaries = contact["associations"]?["companies"]?["results"]?.AsArray()
                    .Where(r => r!["type"]!.GetValue<string>() == "contact_to_company").Select(r => r!["id"]!.GetValue<string>()).ToList() ?? [];
                if (primaries.Count > 1 || property != primaries.SingleOrDefault())
                {
                    mismatches.Add($"{contact["id"]}: property {property ?? "(none)"}, primary [{string.Join(",", primaries)}]");
                }
            }

            after = page.Json!["paging"]?["next"]?["after"]?.GetValue<string>();
        }
        while (after is not null);

        return mismatches;
    }

    /// <summary>The primary company (typeId 1) and every associated company's type ids, from v4.</summary>
    private async Task<(long? Primary, Dictionary<long, List<int>> Companies)> PrimaryAsync(string contact)
    {
        var reply = await _emulator.GetAsync($"/crm/v4/objects/contacts/{contact}/associations/companies");
        var companies = reply.Json!["results"]!.AsArray().ToDictionary(
            r => r!["toObjectId"]!.GetValue<long>(),
            r => r!["associationTypes"]!.AsArray().Select(t => t!["typeId"]!.GetValue<int>()).ToList());
        var primary = companies.Where(c => c.Value.Contains(1)).Select(c => (long?)c.Key).SingleOrDefault();
        return (primary, companies);
    }

    private async Task<string?> PropertyAsync(string contact) =>
        (await _emulator.GetAsync($"/crm/v3/objects/contacts/{contact}?properties=associatedcompanyid")).Json!["properties"]!["associatedcompanyid"]?.GetValue<string>();

    private async Task<int> ContactCountAsync(long company)
    {
        var reply = await _emulator.GetAsync($"/crm/v3/objects/companies/{company}?properties=num_associated_contacts");
        return int.Parse(reply.Json!["properties"]!["num_associated_contacts"]?.GetValue<string>() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
    }

}
