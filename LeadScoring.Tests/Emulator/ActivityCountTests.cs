using System.Net;
using LeadScoring.HubSpotEmulator;

namespace LeadScoring.Tests.Emulator;

/// <summary><c>POST /_emulator/contacts/{id}/activity</c> with <c>count</c>: many engagements in one call.</summary>
[TestFixture]
public sealed class ActivityCountTests
{
    private EmulatorServer _emulator = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 20, RateLimit = 10_000, SearchRateLimit = 1000 });

    [OneTimeTearDown]
    public async Task StopAsync() => await _emulator.DisposeAsync();

    [Test]
    public async Task Activity_WithCount_AddsThatManyAssociatedEngagementsAndCountsThemOnTheContact()
    {
        var before = await _emulator.GetAsync("/crm/v3/objects/contacts/1006?properties=num_contacted_notes,num_notes");
        var associatedBefore = await _emulator.GetAsync("/crm/v4/objects/contacts/1006/associations/meetings");

        var reply = await _emulator.PostAsync("/_emulator/contacts/1006/activity", """{"type":"meeting","count":7}""");

        var after = await _emulator.GetAsync("/crm/v3/objects/contacts/1006?properties=num_contacted_notes,num_notes");
        var associated = await _emulator.GetAsync("/crm/v4/objects/contacts/1006/associations/meetings");
        var ids = reply.Json!["engagementIds"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Created), reply.Text);
            Assert.That(reply.Json!["count"]!.GetValue<int>(), Is.EqualTo(7));
            Assert.That(ids, Has.Count.EqualTo(7).And.Unique);
            Assert.That(reply.Json!["engagementId"]!.GetValue<string>(), Is.EqualTo(ids[0]));
            Assert.That(associated.Json!["results"]!.AsArray(), Has.Count.EqualTo(associatedBefore.Json!["results"]!.AsArray().Count + 7));
            Assert.That(Number(after, "num_contacted_notes"), Is.EqualTo(Number(before, "num_contacted_notes") + 7));
            Assert.That(Number(after, "num_notes"), Is.EqualTo(Number(before, "num_notes") + 7));
        });
    }

    [Test]
    public async Task Activity_WithoutCount_AddsOne()
    {
        var reply = await _emulator.PostAsync("/_emulator/contacts/1007/activity", """{"type":"call"}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Created), reply.Text);
        Assert.That(reply.Json!["engagementIds"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Activity_MaximumCount_GivesOneContactMoreThan500Emails()
    {
        var reply = await _emulator.PostAsync("/_emulator/contacts/1008/activity", """{"type":"email_open","count":5000}""");
        var page = await _emulator.GetAsync("/crm/v4/objects/contacts/1008/associations/emails");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Created), reply.Text);
        Assert.That(page.Json!["paging"]!["next"]!["after"], Is.Not.Null);
    }

    [TestCase("0")]
    [TestCase("5001")]
    [TestCase("-3")]
    [TestCase("2.5")]
    [TestCase("\"many\"")]
    [TestCase("true")]
    [TestCase("[3]")]
    public async Task Activity_CountOutOfRangeOrNotAnInteger_Returns400NamingCount(string count)
    {
        var reply = await _emulator.PostAsync("/_emulator/contacts/1009/activity", $$"""{"type":"call","count":{{count}}}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest), reply.Text);
        Assert.That(reply.Json!["category"]!.GetValue<string>(), Is.EqualTo("VALIDATION_ERROR"));
        Assert.That(reply.Json!["message"]!.GetValue<string>(), Does.Contain("count"));
    }

    private static long Number(Reply contact, string property) =>
        long.Parse(contact.Json!["properties"]![property]?.GetValue<string>() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
}
