using System.Net;
using LeadScoring.HubSpotEmulator;

namespace LeadScoring.Tests.Emulator;

[TestFixture]
public sealed class PropertyAndWorkflowTests
{
    private EmulatorServer _emulator = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 30 });

    [OneTimeTearDown]
    public async Task StopAsync() => await _emulator.DisposeAsync();

    [Test]
    public async Task GetProperty_AiPropertyBeforeCreation_Returns404AndStandardPropertyExists()
    {
        var ai = await _emulator.GetAsync("/crm/v3/properties/contacts/ai_lead_score");
        var standard = await _emulator.GetAsync("/crm/v3/properties/contacts/lifecyclestage");

        Assert.That(ai.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(ai.Json!["category"]!.GetValue<string>(), Is.EqualTo("OBJECT_NOT_FOUND"));
        Assert.That(standard.Json!["options"]!.AsArray().Select(o => o!["value"]!.GetValue<string>()), Does.Contain("customer"));
    }

    [Test]
    public async Task CreateProperty_Twice_Returns409ObjectAlreadyExistsAndPropertyTakesWrites()
    {
        await _emulator.PostAsync("/crm/v3/properties/contacts/groups", """{"name":"ai_scoring","label":"AI scoring","displayOrder":-1}""");
        const string Property = """{"groupName":"ai_scoring","name":"ai_fit_score","label":"AI fit score","type":"number","fieldType":"number"}""";

        var created = await _emulator.PostAsync("/crm/v3/properties/contacts", Property);
        var again = await _emulator.PostAsync("/crm/v3/properties/contacts", Property);
        var write = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/update", """{"inputs":[{"id":"1002","properties":{"ai_fit_score":"72"}}]}""");

        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created), created.Text);
            Assert.That(created.Json!["name"]!.GetValue<string>(), Is.EqualTo("ai_fit_score"));
            Assert.That(again.Status, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(again.Json!["message"]!.GetValue<string>(), Is.EqualTo("Property named 'ai_fit_score' already exists."));
            Assert.That(again.Json!["category"]!.GetValue<string>(), Is.EqualTo("OBJECT_ALREADY_EXISTS"));
            Assert.That(write.Status, Is.EqualTo(HttpStatusCode.OK), write.Text);
        });
    }

    [Test]
    public async Task CreateGroup_Twice_Returns409()
    {
        var first = await _emulator.PostAsync("/crm/v3/properties/contacts/groups", """{"name":"lead_scoring_ext","label":"Lead scoring (ext)"}""");
        var second = await _emulator.PostAsync("/crm/v3/properties/contacts/groups", """{"name":"lead_scoring_ext","label":"Lead scoring (ext)"}""");

        Assert.That(first.Status, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(second.Status, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(second.Json!["category"]!.GetValue<string>(), Is.EqualTo("OBJECT_ALREADY_EXISTS"));
    }

    [TestCase("""{"groupName":"contactinformation","name":"ai_x","label":"X","type":"number"}""")]
    [TestCase("""{"groupName":"contactinformation","name":"ai_x","label":"X","type":"number","fieldType":"text"}""")]
    [TestCase("""{"groupName":"no_such_group","name":"ai_x","label":"X","type":"string","fieldType":"text"}""")]
    [TestCase("""{"groupName":"contactinformation","name":"AI X","label":"X","type":"string","fieldType":"text"}""")]
    public async Task CreateProperty_InvalidDefinition_Returns400(string body)
    {
        var reply = await _emulator.PostAsync("/crm/v3/properties/contacts", body);

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest), reply.Text);
        Assert.That(reply.Json!["category"]!.GetValue<string>(), Is.EqualTo("VALIDATION_ERROR"));
    }

    [Test]
    public async Task Enroll_KnownEmailTwice_Returns204AndRecordsBothEnrollments()
    {
        var contact = await _emulator.GetAsync("/crm/v3/objects/contacts/1003?properties=email");
        var email = contact.Json!["properties"]!["email"]!.GetValue<string>();
        var path = $"/automation/v2/workflows/{_emulator.Options.WorkflowId}/enrollments/contacts/{Uri.EscapeDataString(email)}";

        var first = await _emulator.SendAsync(HttpMethod.Post, path);
        var second = await _emulator.SendAsync(HttpMethod.Post, path);
        var enrollments = await _emulator.GetAsync("/_emulator/workflows/enrollments");

        var mine = enrollments.Json!["results"]!.AsArray().Where(e => e!["contactId"]!.GetValue<string>() == "1003").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(second.Status, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(mine, Has.Count.EqualTo(2));
            Assert.That(mine.Select(e => e!["workflowId"]!.GetValue<long>()), Is.All.EqualTo(5001));
            Assert.That(mine[0]!["at"], Is.Not.Null);
        });
    }

    [TestCase("9999", "1003")]
    [TestCase("5001", "nobody@example.invalid")]
    public async Task Enroll_UnknownWorkflowOrEmail_Returns404(string workflowId, string emailOrContact)
    {
        var email = emailOrContact;
        if (emailOrContact == "1003")
        {
            email = (await _emulator.GetAsync("/crm/v3/objects/contacts/1003?properties=email")).Json!["properties"]!["email"]!.GetValue<string>();
        }

        var reply = await _emulator.SendAsync(HttpMethod.Post, $"/automation/v2/workflows/{workflowId}/enrollments/contacts/{Uri.EscapeDataString(email)}");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
