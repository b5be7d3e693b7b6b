using System.Net;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator;

namespace LeadScoring.Tests.Emulator;

/// <summary>CRM v4 association reads page at 500 records with an opaque cursor, as HubSpot's do.</summary>
[TestFixture]
public sealed class AssociationPagingTests
{
    private const int ExtraEmails = 1_201;
    private EmulatorServer _emulator = null!;
    private string _busy = null!;
    private string _quiet = null!;
    private HashSet<long> _busyEmails = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 20, RateLimit = 100_000, SearchRateLimit = 1000 });
        _busy = "1003";
        _quiet = "1004";
        var added = await _emulator.PostAsync($"/_emulator/contacts/{_busy}/activity", $$"""{"type":"email_open","count":{{ExtraEmails}}}""");
        Assert.That(added.Status, Is.EqualTo(HttpStatusCode.Created), added.Text);
        await _emulator.PostAsync($"/_emulator/contacts/{_quiet}/activity", """{"type":"email_reply"}""");

        // Everything the contact has, seeded emails included, straight from the portal dump.
        var portal = await _emulator.GetAsync("/_emulator/portal");
        _busyEmails = [.. portal.Json!["associations"]!.AsArray()
            .Where(a => a![0]!.GetValue<string>() == "contacts" && a[1]!.GetValue<string>() == _busy && a[2]!.GetValue<string>() == "emails")
            .Select(a => long.Parse(a![3]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))];
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _emulator.DisposeAsync();

    [Test]
    public async Task BatchRead_ContactWithMoreThan500Emails_PagesAt500UntilEveryEmailIsRead()
    {
        var pages = new List<JsonNode>();
        string? after = null;
        do
        {
            var input = after is null ? $$"""{"id":"{{_busy}}"}""" : $$"""{"id":"{{_busy}}","after":"{{after}}"}""";
            var reply = await _emulator.PostAsync("/crm/v4/associations/contacts/emails/batch/read", $$"""{"inputs":[{{input}}]}""");
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK), reply.Text);
            var result = reply.Json!["results"]!.AsArray().Single()!;
            pages.Add(result);
            after = result["paging"]?["next"]?["after"]?.GetValue<string>();
            Assert.That(pages, Has.Count.LessThan(10), "paging must end");
        }
        while (after is not null);

        var ids = pages.SelectMany(p => p["to"]!.AsArray().Select(t => t!["toObjectId"]!.GetValue<long>())).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(_busyEmails, Has.Count.GreaterThan(ExtraEmails));
            Assert.That(pages.Select(p => p["to"]!.AsArray().Count), Is.EqualTo(new[] { 500, 500, _busyEmails.Count - 1000 }));
            Assert.That(ids, Is.Unique);
            Assert.That(ids, Is.EquivalentTo(_busyEmails));
            Assert.That(pages.Select(p => p["from"]!["id"]!.GetValue<string>()), Is.All.EqualTo(_busy));
            Assert.That(pages[^1]["paging"], Is.Null);
            Assert.That(pages[0]["to"]![0]!["associationTypes"]![0]!["typeId"]!.GetValue<int>(), Is.EqualTo(197));
        });
    }

    [Test]
    public async Task BatchRead_NextPage_CarriesAfterAndLinkAndLeavesSmallListsUnpaged()
    {
        var reply = await _emulator.PostAsync("/crm/v4/associations/contacts/emails/batch/read", $$"""{"inputs":[{"id":"{{_busy}}"},{"id":"{{_quiet}}"}]}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK), reply.Text);
        var results = reply.Json!["results"]!.AsArray();
        var busy = results.Single(r => r!["from"]!["id"]!.GetValue<string>() == _busy)!;
        var quiet = results.Single(r => r!["from"]!["id"]!.GetValue<string>() == _quiet)!;
        var next = busy["paging"]!["next"]!;
        var after = next["after"]!.GetValue<string>();
        Assert.Multiple(() =>
        {
            Assert.That(after, Does.Match("^[A-Za-z0-9_-]+$"), "URL-safe, sent back as it is");
            Assert.That(next["link"]!.GetValue<string>(), Does.EndWith($"/crm/v4/objects/contacts/{_busy}/associations/emails?after={after}"));
            Assert.That(quiet["to"]!.AsArray(), Has.Count.LessThanOrEqualTo(500));
            Assert.That(quiet["paging"], Is.Null);
        });
    }

    [Test]
    public async Task BatchRead_AssociationsAddedBetweenPages_AreNeitherSkippedNorRepeated()
    {
        var contact = "1005";
        await _emulator.PostAsync($"/_emulator/contacts/{contact}/activity", """{"type":"call","count":600}""");
        var first = await _emulator.PostAsync("/crm/v4/associations/contacts/calls/batch/read", $$"""{"inputs":[{"id":"{{contact}}"}]}""");
        var firstPage = first.Json!["results"]![0]!;
        var after = firstPage["paging"]!["next"]!["after"]!.GetValue<string>();

        var added = await _emulator.PostAsync($"/_emulator/contacts/{contact}/activity", """{"type":"call","count":2}""");
        var second = await _emulator.PostAsync("/crm/v4/associations/contacts/calls/batch/read", $$"""{"inputs":[{"id":"{{contact}}","after":"{{after}}"}]}""");
        var all = await _emulator.GetAsync($"/crm/v4/objects/contacts/{contact}/associations/calls?limit=500");

        var seen = firstPage["to"]!.AsArray().Concat(second.Json!["results"]![0]!["to"]!.AsArray()).Select(t => t!["toObjectId"]!.GetValue<long>()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(seen, Is.Unique);
            Assert.That(seen, Is.SupersetOf(added.Json!["engagementIds"]!.AsArray().Select(i => long.Parse(i!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))));
            Assert.That(seen[..500], Is.EqualTo(all.Json!["results"]!.AsArray().Select(t => t!["toObjectId"]!.GetValue<long>())));
        });
    }

    [TestCase("not a cursor")]
    [TestCase("")]
    [TestCase("djRhOmNvbnRhY3RzOjEwMDM6ZW1haWxzOng")]
    public async Task BatchRead_MalformedAfter_Returns400ValidationErrorNamingAfter(string after)
    {
        var reply = await _emulator.PostAsync("/crm/v4/associations/contacts/emails/batch/read", $$"""{"inputs":[{"id":"{{_busy}}","after":"{{after}}"}]}""");

        AssertNamesField(reply, "after");
    }

    [Test]
    public async Task BatchRead_CursorOfAnotherContactOrType_Returns400NamingAfter()
    {
        var first = await _emulator.PostAsync("/crm/v4/associations/contacts/emails/batch/read", $$"""{"inputs":[{"id":"{{_busy}}"}]}""");
        var after = first.Json!["results"]![0]!["paging"]!["next"]!["after"]!.GetValue<string>();

        var otherContact = await _emulator.PostAsync("/crm/v4/associations/contacts/emails/batch/read", $$"""{"inputs":[{"id":"{{_quiet}}","after":"{{after}}"}]}""");
        var otherType = await _emulator.PostAsync("/crm/v4/associations/contacts/calls/batch/read", $$"""{"inputs":[{"id":"{{_busy}}","after":"{{after}}"}]}""");

        AssertNamesField(otherContact, "after");
        AssertNamesField(otherType, "after");
    }

    [Test]
    public async Task BatchRead_AfterThatIsNotAString_Returns400()
    {
        var reply = await _emulator.PostAsync("/crm/v4/associations/contacts/emails/batch/read", $$"""{"inputs":[{"id":"{{_busy}}","after":5}]}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(reply.Json!["category"]!.GetValue<string>(), Is.EqualTo("VALIDATION_ERROR"));
    }

    [TestCase(1_000, HttpStatusCode.MultiStatus)]
    [TestCase(1_001, HttpStatusCode.BadRequest)]
    public async Task BatchRead_InputLimit_Is1000(int inputs, HttpStatusCode expected)
    {
        var body = new JsonObject { ["inputs"] = new JsonArray([.. Enumerable.Range(1001, inputs).Select(i => (JsonNode)new JsonObject { ["id"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) })]) };

        var reply = await _emulator.PostAsync("/crm/v4/associations/contacts/emails/batch/read", body.ToJsonString());

        Assert.That(reply.Status, Is.EqualTo(expected), reply.Text);
    }

    [Test]
    public async Task GetList_DefaultLimit_Returns500AndPagesWithAfter()
    {
        var first = await _emulator.GetAsync($"/crm/v4/objects/contacts/{_busy}/associations/emails");
        var after = first.Json!["paging"]!["next"]!["after"]!.GetValue<string>();
        var second = await _emulator.GetAsync($"/crm/v4/objects/contacts/{_busy}/associations/emails?after={Uri.EscapeDataString(after)}");

        var firstIds = first.Json!["results"]!.AsArray().Select(t => t!["toObjectId"]!.GetValue<long>()).ToList();
        var secondIds = second.Json!["results"]!.AsArray().Select(t => t!["toObjectId"]!.GetValue<long>()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(firstIds, Has.Count.EqualTo(500));
            Assert.That(secondIds, Has.Count.EqualTo(500));
            Assert.That(firstIds.Intersect(secondIds), Is.Empty);
            Assert.That(second.Json!["paging"]!["next"]!["link"]!.GetValue<string>(), Does.Contain("/crm/v4/objects/contacts/"));
        });
    }

    [Test]
    public async Task GetList_SmallLimit_PagesThroughTheSameCursorsBatchReadAccepts()
    {
        var page = await _emulator.GetAsync($"/crm/v4/objects/contacts/{_busy}/associations/emails?limit=10");
        var after = page.Json!["paging"]!["next"]!["after"]!.GetValue<string>();
        var batch = await _emulator.PostAsync("/crm/v4/associations/contacts/emails/batch/read", $$"""{"inputs":[{"id":"{{_busy}}","after":"{{after}}"}]}""");
        var all = await _emulator.GetAsync($"/crm/v4/objects/contacts/{_busy}/associations/emails");

        var expected = all.Json!["results"]!.AsArray().Select(t => t!["toObjectId"]!.GetValue<long>()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(page.Json!["results"]!.AsArray().Select(t => t!["toObjectId"]!.GetValue<long>()), Is.EqualTo(expected[..10]));
            Assert.That(batch.Json!["results"]![0]!["to"]![0]!["toObjectId"]!.GetValue<long>(), Is.EqualTo(expected[10]));
        });
    }

    [Test]
    public async Task GetList_SmallList_HasNoPaging()
    {
        var reply = await _emulator.GetAsync($"/crm/v4/objects/contacts/{_quiet}/associations/emails");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(reply.Json!["paging"], Is.Null);
    }

    [TestCase("0")]
    [TestCase("501")]
    [TestCase("-1")]
    [TestCase("ten")]
    [TestCase("2.5")]
    public async Task GetList_LimitOutOfRange_Returns400NamingLimit(string limit)
    {
        var reply = await _emulator.GetAsync($"/crm/v4/objects/contacts/{_busy}/associations/emails?limit={limit}");

        AssertNamesField(reply, "limit");
    }

    [Test]
    public async Task GetList_ForeignAfter_Returns400NamingAfter()
    {
        var page = await _emulator.GetAsync($"/crm/v4/objects/contacts/{_busy}/associations/emails?limit=1");
        var after = page.Json!["paging"]!["next"]!["after"]!.GetValue<string>();

        var reply = await _emulator.GetAsync($"/crm/v4/objects/contacts/{_quiet}/associations/emails?after={after}");

        AssertNamesField(reply, "after");
    }

    private static void AssertNamesField(Reply reply, string field)
    {
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest), reply.Text);
        var body = reply.Json!;
        Assert.Multiple(() =>
        {
            Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("error"));
            Assert.That(body["category"]!.GetValue<string>(), Is.EqualTo("VALIDATION_ERROR"));
            Assert.That(body["message"]!.GetValue<string>(), Does.Contain(field));
            Assert.That(Guid.TryParse(body["correlationId"]!.GetValue<string>(), out _), Is.True);
            Assert.That(body["errors"]![0]!["in"]!.GetValue<string>(), Is.EqualTo(field));
        });
    }
}
