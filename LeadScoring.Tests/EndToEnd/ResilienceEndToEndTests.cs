using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadScoring.LocalHost;
using LeadScoring.Tests.Host;

namespace LeadScoring.Tests.EndToEnd;

/// <summary>HubSpot misbehaving: random 5xx and hangs, and a storm of 429s. Every contact still ends up scored.</summary>
[TestFixture]
public sealed class ResilienceEndToEndTests
{
    /// <summary>Test-sized waits: failed messages come back after 2 s, 429s without Retry-After wait 0.5 s.</summary>
    internal static Dictionary<string, string?> FastRetries() => new()
    {
        ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:02",
        ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "30",
        // Work in flight when the host is killed comes back this soon (the product's host.json says 1 minute).
        ["AzureFunctionsJobHost:extensions:durableTask:storageProvider:workItemQueueVisibilityTimeout"] = "00:00:20",
        ["HubSpot:RateLimitedDelay"] = "00:00:00.500",
        ["HubSpot:RetryBaseDelay"] = "00:00:00.100",
        ["HubSpot:AttemptTimeout"] = "00:00:05",
        ["Pipeline:ActivityMaxAttempts"] = "30",
        ["Pipeline:ActivityFirstRetryInterval"] = "00:00:00.500",
        ["Pipeline:ActivityMaxRetryInterval"] = "00:00:02",
    };

    [Test]
    public async Task FaultRate20Percent_EveryContactEndsUpScored()
    {
        await using var product = await ProductUnderTest.StartAsync(contacts: 30, faultRate: 0.2, extraSettings: FastRetries());
        var contacts = await ProductUnderTest.ContactIdsAsync(product.Emulator);

        await RescoreAsync(product);

        await product.WaitUntilScoredAsync(contacts, TimeSpan.FromSeconds(120));
        // By the emulator's own record: a hang the client hedged past and cancelled never got its 504 written.
        var log = (await product.Emulator.Admin.GetFromJsonAsync<JsonObject>("/_emulator/requests"))!["results"]!.AsArray();
        var faults = log.Count(r => ((string?)r!["fault"])?.StartsWith("random:", StringComparison.Ordinal) == true);
        Assert.That(faults, Is.GreaterThan(0), "the emulator really failed some calls");
    }

    [Test]
    public async Task WriteBack_BatchUpdateFailingAllItsAttempts_IsWrittenInHalvesWithoutAnotherGather()
    {
        await using var product = await ProductUnderTest.StartAsync(contacts: 8, extraSettings: FastRetries());
        var contacts = await ProductUnderTest.ContactIdsAsync(product.Emulator);
        await product.Emulator.ClearRequestsAsync();
        await product.Emulator.AddFaultAsync(502, count: 3, pathContains: "/contacts/batch/update");

        await RescoreAsync(product);

        await product.WaitUntilScoredAsync(contacts, TimeSpan.FromSeconds(120));
        var updates = await product.Emulator.RequestsAsync("/contacts/batch/update");
        Assert.That(updates.Select(r => r.Status), Is.EqualTo(new[] { 502, 502, 502, 200, 200 }), "the batch that failed its 3 attempts was sent again as two halves");
        Assert.That(await product.Emulator.RequestsAsync("/contacts/batch/read"), Has.Count.EqualTo(1),
            "the leads were written in the same activity: none waited for the orchestration's retry and a second gather");
    }

    [Test]
    public async Task RateLimitStorm_EveryContactEndsUpScored()
    {
        await using var product = await ProductUnderTest.StartAsync(contacts: 30, extraSettings: FastRetries());
        var contacts = await ProductUnderTest.ContactIdsAsync(product.Emulator);
        await product.Emulator.AddFaultAsync(429, count: 80, pathContains: "/crm/");

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var events = new JsonArray([.. contacts.Select((id, i) => (JsonNode)new JsonObject
        {
            ["eventId"] = now + i, ["subscriptionId"] = 310, ["portalId"] = 1000001, ["occurredAt"] = now, ["attemptNumber"] = 0,
            ["subscriptionType"] = "contact.creation", ["objectId"] = long.Parse(id, System.Globalization.CultureInfo.InvariantCulture),
        })]);
        using var response = await product.PostWebhookAsync(events.ToJsonString());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        await product.WaitUntilScoredAsync(contacts, TimeSpan.FromSeconds(120));
        Assert.That((await product.Emulator.RequestsAsync()).Count(r => r.Status == 429), Is.EqualTo(80), "the whole storm hit the pipeline");
    }

    /// <summary>POST /api/admin/rescore: the BatchRescore orchestration starts (its activities retry injected faults themselves).</summary>
    internal static async Task RescoreAsync(ProductUnderTest product)
    {
        using var response = await product.Host.SendAsync(HttpMethod.Post, "/api/admin/rescore", TestHost.AdminKey);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// The host killed outright in the middle of 200 webhook events, then restarted: every contact ends up scored, nobody
/// is enrolled twice, and afterwards no table or queue holds any personal data from the portal.
/// </summary>
[TestFixture(1)]
[TestFixture(2)]
[TestFixture(3)]
public sealed class CrashRecoveryEndToEndTests(int run)
{
    private const int Events = 200;
    private EmulatorServerHandle _run = null!;

    [OneTimeSetUp]
    public async Task KillTheHostMidBatchAndRestartIt()
    {
        TestContext.Progress.WriteLine($"crash recovery run {run} of 3");
        var extra = ResilienceEndToEndTests.FastRetries();
        var (emulator, settings) = await ProductUnderTest.StartEmulatorAsync(contacts: Events + 20, rateLimit: 5000, extraSettings: extra);
        var root = Directory.CreateTempSubdirectory("leadscoring-crash-").FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "host.json"), Path.Combine(root, "host.json"));
        settings["AzureWebJobsStorage"] = await Infrastructure.Azurite.ConnectionStringAsync();
        settings["LEAD_SCORE_STORAGE_PREFIX"] = "k" + Guid.NewGuid().ToString("N")[..8];
        _run = new EmulatorServerHandle(emulator, settings, root);

        var contacts = (await ProductUnderTest.ContactIdsAsync(emulator)).Take(Events).ToList();
        _run.Contacts = contacts;
        var host = await HostProcess.StartAsync(typeof(LocalFunctionsHost).Assembly.Location, root, settings);
        using (var http = new HttpClient())
        {
            var uri = new Uri(host.Address, "/api/hubspot/webhooks");
            foreach (var (chunk, index) in contacts.Chunk(50).Select((c, i) => (c, i)))
            {
                // A second apart, so each chunk gets its own ScoreLeads (the group commit waits 200 ms) and they write
                // back one after another: posted together, two orchestrations of 100 wrote within the same 20 ms.
                if (index > 0)
                {
                    await Task.Delay(1000);
                }

                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var events = new JsonArray([.. chunk.Select((id, i) => (JsonNode)new JsonObject
                {
                    ["eventId"] = now + i, ["subscriptionId"] = 310, ["portalId"] = emulator.Options.PortalId, ["occurredAt"] = now,
                    ["subscriptionType"] = "contact.propertyChange", ["attemptNumber"] = 0, ["objectId"] = long.Parse(id, System.Globalization.CultureInfo.InvariantCulture),
                    ["propertyName"] = "lifecyclestage", ["propertyValue"] = "lead", ["changeSource"] = "CRM_UI",
                })]);
                using var response = await ProductUnderTest.PostSignedWebhookAsync(http, uri, events.ToJsonString(), emulator.Options.ClientSecret);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            }
        }

        // Kill it while it is working: at the first batch write-back (ScoreLeads write up to 100 at once, so counting
        // written contacts one by one would be too slow to catch the middle).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await emulator.RequestsAsync("/contacts/batch/update")).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await host.KillAsync();
        _run.ScoredBeforeKill = await CountScoredAsync(emulator, contacts);
        await host.DisposeAsync();

        await using var restarted = await HostProcess.StartAsync(typeof(LocalFunctionsHost).Assembly.Location, root, settings);
        await ProductUnderTest.WaitUntilScoredAsync(emulator, contacts, TimeSpan.FromSeconds(120));
        await Task.Delay(3000); // let redelivered messages of the killed run finish, so double work would show
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _run.Emulator.DisposeAsync();
        Directory.Delete(_run.AppRoot, recursive: true);
    }

    [Test]
    public void KilledMidBatch_WorkWasReallyInterrupted()
    {
        Assert.That(_run.ScoredBeforeKill, Is.InRange(1, Events - 1), "the kill landed in the middle of the batch");
    }

    [Test]
    public async Task KilledMidBatch_EveryContactScoredAfterRestart()
    {
        foreach (var id in _run.Contacts)
        {
            Assert.That(await ProductUnderTest.WrittenScoreAsync(_run.Emulator, id), Is.Not.Null, id);
        }
    }

    [Test]
    public async Task KilledMidBatch_NoContactEnrolledTwice()
    {
        var enrollments = await _run.Emulator.EnrollmentsAsync();

        Assert.That(enrollments.Select(e => e.ContactId), Is.Unique);
    }

    [Test]
    public async Task AfterTheRun_NoTableOrQueueHoldsPersonalData()
    {
        var portal = await _run.Emulator.Admin.GetFromJsonAsync<JsonObject>("/_emulator/portal");
        var pii = PiiScanner.Values(portal!);
        Assert.That(pii, Has.Count.GreaterThan(Events), "the portal really has names, emails and phones");

        var prefix = _run.Settings["LEAD_SCORE_STORAGE_PREFIX"]!;
        var taskHub = "LeadScoring" + prefix; // host.json's hubName + the storage prefix, as the local host names it
        var found = await PiiScanner.ScanStorageAsync(_run.Settings["AzureWebJobsStorage"]!, [prefix, taskHub], pii);

        TestContext.Out.WriteLine(string.Join(", ", found.ByStore.Select(s => $"{s.Key}: {s.Value}")));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Scanned, Is.GreaterThan(Events), "history, last-written and ledger rows were scanned");
            Assert.That(found.ByStore.GetValueOrDefault($"{taskHub}Instances"), Is.GreaterThan(0), "the task hub's Instances table exists and was scanned");
            Assert.That(found.ByStore.GetValueOrDefault($"{taskHub}History"), Is.GreaterThan(0), "the task hub's History table (activity inputs and outputs) was scanned");
            Assert.That(found.ByStore.GetValueOrDefault($"{prefix}LeadSnapshots"), Is.GreaterThan(0), "the snapshots of gathered leads (what the decay pass rescores from) were scanned");
            Assert.That(found.ByStore.Keys, Has.Some.StartsWith(taskHub.ToLowerInvariant() + "-control-"), "the task hub's control queues were scanned");
            Assert.That(found.Hits, Is.Empty);
        }
    }

    private static async Task<int> CountScoredAsync(EmulatorServer emulator, IEnumerable<string> contacts)
    {
        var count = 0;
        foreach (var id in contacts)
        {
            count += await ProductUnderTest.WrittenScoreAsync(emulator, id) is null ? 0 : 1;
        }

        return count;
    }

    private sealed class EmulatorServerHandle(EmulatorServer emulator, Dictionary<string, string?> settings, string appRoot)
    {
        public EmulatorServer Emulator { get; } = emulator;

        public Dictionary<string, string?> Settings { get; } = settings;

        public string AppRoot { get; } = appRoot;

        public List<string> Contacts { get; set; } = [];

        public int ScoredBeforeKill { get; set; }
    }
}
