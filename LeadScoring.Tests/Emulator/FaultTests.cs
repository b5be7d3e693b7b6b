using System.Net;
using LeadScoring.HubSpotEmulator;

namespace LeadScoring.Tests.Emulator;

[TestFixture]
public sealed class FaultTests
{
    private EmulatorServer _emulator = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 30 });

    [OneTimeTearDown]
    public async Task StopAsync() => await _emulator.DisposeAsync();

    [TearDown]
    public async Task ClearFaultsAsync() => await _emulator.SendAsync(HttpMethod.Delete, "/_emulator/faults");

    [Test]
    public async Task FaultRate_SetToOneAtRunTime_FailsEveryCallUntilSetBackToZero()
    {
        var set = await _emulator.SendAsync(HttpMethod.Put, "/_emulator/fault-rate", """{"rate":1}""");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await _emulator.SendAsync(HttpMethod.Get, "/crm/v3/objects/contacts/1001")).Status);
        }

        await _emulator.SendAsync(HttpMethod.Put, "/_emulator/fault-rate", """{"rate":0}""");
        var after = await _emulator.GetAsync("/crm/v3/objects/contacts/1001");

        Assert.That(set.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(statuses, Has.None.EqualTo(HttpStatusCode.OK));
        Assert.That(after.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("""{"rate":1.5}""")]
    [TestCase("""{"rate":"most"}""")]
    [TestCase("""{}""")]
    public async Task FaultRate_BadValue_IsRefusedNamingRate(string json)
    {
        var reply = await _emulator.SendAsync(HttpMethod.Put, "/_emulator/fault-rate", json);

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(reply.Text, Does.Contain("rate must be a number from 0 to 1"));
    }

    [Test]
    public async Task InjectedFault_429WithRetryAfter_AnswersOnceThenRecovers()
    {
        await _emulator.PostAsync("/_emulator/faults", """{"status":429,"count":1,"retryAfterSeconds":3}""");

        var faulted = await _emulator.GetAsync("/crm/v3/objects/contacts/1001");
        var next = await _emulator.GetAsync("/crm/v3/objects/contacts/1001");

        Assert.Multiple(() =>
        {
            Assert.That(faulted.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(faulted.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(faulted.Json!["errorType"]!.GetValue<string>(), Is.EqualTo("RATE_LIMIT"));
            Assert.That(next.Status, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task InjectedFault_503ForMatchingPath_FailsOnlyMatchingRequestsCountTimes()
    {
        await _emulator.SendAsync(HttpMethod.Delete, "/_emulator/requests");
        await _emulator.PostAsync("/_emulator/faults", """{"status":503,"count":2,"pathContains":"/batch/read"}""");
        const string Batch = """{"properties":["email"],"inputs":[{"id":"1001"}]}""";

        var other = await _emulator.GetAsync("/crm/v3/objects/contacts/1001");
        var first = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/read", Batch);
        var second = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/read", Batch);
        var third = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/read", Batch);
        var log = await _emulator.GetAsync("/_emulator/requests?pathContains=/batch/read");

        var attempts = log.Json!["results"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(other.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(first.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(first.Json!["status"]!.GetValue<string>(), Is.EqualTo("error"));
            Assert.That(first.Json!["category"], Is.Not.Null);
            Assert.That(second.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(third.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(attempts.Select(a => a!["status"]!.GetValue<int>()), Is.EqualTo(new[] { 503, 503, 200 }));
            Assert.That(attempts[0]!["fault"]!.GetValue<string>(), Is.EqualTo("injected:503"));
        });
    }

    [Test]
    public async Task DeleteFaults_ClearsQueuedFaults()
    {
        await _emulator.PostAsync("/_emulator/faults", """{"status":500,"count":5}""");

        await _emulator.SendAsync(HttpMethod.Delete, "/_emulator/faults");
        var reply = await _emulator.GetAsync("/crm/v3/objects/contacts/1001");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task FaultRate_SameSeed_FailsTheSameRequestsWithGatewayStatuses()
    {
        async Task<List<int>> StatusesAsync()
        {
            await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions
            {
                Contacts = 10, Seed = 9, FaultRate = 0.4, FaultHang = TimeSpan.FromMilliseconds(20),
            });
            var statuses = new List<int>();
            for (var i = 0; i < 30; i++)
            {
                statuses.Add((int)(await emulator.GetAsync("/crm/v3/objects/contacts/1001")).Status);
            }

            return statuses;
        }

        var first = await StatusesAsync();
        var second = await StatusesAsync();

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(first, Does.Contain(200));
            Assert.That(first.Where(s => s != 200), Is.Not.Empty.And.All.AnyOf(502, 503, 504));
        });
    }
}
