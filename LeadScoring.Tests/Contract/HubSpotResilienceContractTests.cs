using System.Text.Json.Nodes;
using System.Net.Http.Json;
using System.Diagnostics;
using System.Net;
using LeadScoring.Core.HubSpot;
using LeadScoring.HubSpotEmulator;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.Contract;

/// <summary>Rate limits, OAuth and HubSpot's search cap, each against its own emulator so limits don't interfere.</summary>
[TestFixture]
public sealed class HubSpotResilienceContractTests
{
    [Test]
    public async Task RateBudget_PortalLimitLowerThanConfigured_LearnsItFromHeadersAndAvoids429s()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5, RateLimit = 20 });
        await using var services = emulator.ClientServices(o => o.RequestsPer10Seconds = 100);
        var client = services.GetRequiredService<HubSpotClient>();
        var budget = services.GetRequiredService<HubSpotRateBudget>();
        var id = (await HubSpotClientContractTests.ToListAsync(client.SearchModifiedSinceAsync("contacts", DateTimeOffset.UnixEpoch, [])))[0].Id;

        await client.GetObjectAsync("contacts", id, ["lifecyclestage"]);
        Assert.That(budget.GeneralLimit, Is.EqualTo(18), "90% of X-HubSpot-RateLimit-Max 20");
        await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => client.GetObjectAsync("contacts", id, ["lifecyclestage"])));

        var statuses = (await emulator.RequestsAsync("/crm/v3/objects/contacts/", "GET")).Select(r => r.Status).ToList();
        Assert.That(statuses, Has.Count.EqualTo(26));
        Assert.That(statuses, Is.All.EqualTo(200), "the client paced itself instead of collecting 429s");
    }

    [Test]
    public async Task Search_ConcurrentCalls_StayUnderTheSecondlyLimit()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5, SearchRateLimit = 5 });
        await using var services = emulator.ClientServices();
        var client = services.GetRequiredService<HubSpotClient>();

        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => HubSpotClientContractTests.ToListAsync(client.SearchModifiedSinceAsync("contacts", DateTimeOffset.UnixEpoch, []))));

        var statuses = (await emulator.RequestsAsync("/search")).Select(r => r.Status).ToList();
        Assert.That(statuses, Has.Count.EqualTo(12));
        Assert.That(statuses, Is.All.EqualTo(200));
    }

    [Test]
    public async Task Search_WaitingForBudgetLongerThanTheAttemptTimeout_IsNotTimedOut()
    {
        // One search a second and a 1-second attempt timeout: the fourth search waits ~3 s for its slot.
        // Waiting for our own budget is not a slow HubSpot, so no attempt may time out on it.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5, SearchRateLimit = 5 });
        await using var services = emulator.ClientServices(o =>
        {
            o.SearchRequestsPerSecond = 1;
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.MaxAttempts = 2; // Polly's least; a timed-out wait would time out again
        });
        var client = services.GetRequiredService<HubSpotClient>();
        var watch = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => HubSpotClientContractTests.ToListAsync(client.SearchModifiedSinceAsync("contacts", DateTimeOffset.UnixEpoch, []))));

        Assert.That(watch.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2.5)), "the budget did make the searches wait");
        Assert.That((await emulator.RequestsAsync("/search")).Select(r => r.Status), Is.EqualTo(new[] { 200, 200, 200, 200 }), "one attempt each: none timed out");
    }

    [Test]
    public async Task Search_HangingCall_IsHedgedWhileItHangs()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5, SearchRateLimit = 5 });
        await using var services = emulator.ClientServices();
        var client = services.GetRequiredService<HubSpotClient>();
        await emulator.AddFaultAsync(504, count: 1, pathContains: "/search", hangSeconds: 60);

        var contacts = await HubSpotClientContractTests.ToListAsync(client.SearchModifiedSinceAsync("contacts", DateTimeOffset.UnixEpoch, []));

        Assert.That(contacts, Has.Count.EqualTo(5));
        var searches = (await emulator.Admin.GetFromJsonAsync<JsonObject>("/_emulator/requests"))!["results"]!.AsArray()
            .Select(r => (Fault: (string?)r!["fault"], Status: (int)r["status"]!, At: (DateTimeOffset)r["at"]!, Ms: (double)r["durationMs"]!)).OrderBy(r => r.At).ToList();
        Assert.That(searches.Select(r => r.Fault), Is.EqualTo(new[] { "injected:hang", null }), "one hung search, one copy that answered");
        // A retry would come only after the attempt timeout ended the hung call; the hedge went while it still hung, and
        // the hung call was given up as soon as the copy answered (not after 60 s).
        Assert.That(searches[1].At, Is.LessThan(searches[0].At.AddMilliseconds(searches[0].Ms)));
    }

    [Test]
    public async Task Search_ConcurrentCallsUnderFaults_HedgesStayUnderTheSecondlyLimit()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5, SearchRateLimit = 5, FaultRate = 0.3, FaultHang = TimeSpan.FromSeconds(30) });
        await using var services = emulator.ClientServices();
        var client = services.GetRequiredService<HubSpotClient>();

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => HubSpotClientContractTests.ToListAsync(client.SearchModifiedSinceAsync("contacts", DateTimeOffset.UnixEpoch, []))));

        Assert.That(results.Select(r => r.Count), Is.All.EqualTo(5), "every search answered despite 5xx and hangs");
        var log = (await emulator.Admin.GetFromJsonAsync<JsonObject>("/_emulator/requests"))!["results"]!.AsArray();
        Assert.That(log.Select(r => (string?)r!["fault"]), Has.Some.Not.Null, "some searches really failed");
        Assert.That(log.Select(r => (int)r!["status"]!), Has.None.EqualTo(429), "hedges took search slots: HubSpot's 5 per second held");
    }

    [Test]
    public async Task OAuth_TokenExpiresEarly_401RefreshesOnceAndSucceeds()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5 });
        await using var services = emulator.ClientServices(oauth: true);
        var client = services.GetRequiredService<HubSpotClient>();
        var contacts = await HubSpotClientContractTests.ToListAsync(client.SearchModifiedSinceAsync("contacts", DateTimeOffset.UnixEpoch, []));
        await client.GetObjectAsync("contacts", contacts[0].Id, ["lifecyclestage"]);
        Assert.That(await emulator.RequestsAsync("/oauth/v1/token"), Has.Count.EqualTo(1), "the token is cached");

        (await emulator.Admin.PostAsync("/_emulator/oauth/expire", null)).EnsureSuccessStatusCode();
        var contact = await client.GetObjectAsync("contacts", contacts[0].Id, ["lifecyclestage"]);

        Assert.That(contact, Is.Not.Null);
        Assert.That(await emulator.RequestsAsync("/oauth/v1/token"), Has.Count.EqualTo(2));
        var statuses = (await emulator.RequestsAsync($"/crm/v3/objects/contacts/{contacts[0].Id}")).Select(r => r.Status);
        Assert.That(statuses, Is.EqualTo(new[] { 200, 401, 200 }));
    }

    [Test]
    public async Task OAuth_BadRefreshToken_SurfacesTypedError()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 1 });
        await using var services = emulator.ClientServices(o => o.OAuthRefreshToken = "revoked-token", oauth: true);
        var client = services.GetRequiredService<HubSpotClient>();

        var ex = Assert.ThrowsAsync<HubSpotApiException>(() => client.GetObjectAsync("contacts", "1", []));

        Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(ex.Message, Does.Contain("OAuth"));
    }

    [Test]
    public async Task SearchModifiedSince_MoreThan10000Contacts_MovesTheWindowAndReturnsEveryContactOnce()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 10_250, SearchRateLimit = 50, RateLimit = 100_000 });
        await using var services = emulator.ClientServices(o => o.SearchRequestsPerSecond = 40);
        var client = services.GetRequiredService<HubSpotClient>();

        var all = await HubSpotClientContractTests.ToListAsync(client.SearchModifiedSinceAsync("contacts", DateTimeOffset.UnixEpoch, []));

        Assert.That(all, Has.Count.EqualTo(10_250));
        Assert.That(all.Select(c => c.Id), Is.Unique);
        Assert.That((await emulator.RequestsAsync("/search")).Select(r => r.Status), Is.All.EqualTo(200), "never paged into HubSpot's 10k cap");
    }

    [Test]
    public async Task LeadReader_Gather_FaultRate30Percent_HangsAreHedgedAndEveryLeadIsReadInSeconds()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 300, RateLimit = 100_000, SearchRateLimit = 50 });
        await using var services = emulator.ClientServices(o => { o.RequestsPer10Seconds = 100_000; o.SearchRequestsPerSecond = 40; });
        var reader = services.GetRequiredService<HubSpotLeadReader>();
        var ids = (await HubSpotClientContractTests.ToListAsync(services.GetRequiredService<HubSpotClient>().SearchModifiedSinceAsync("contacts", DateTimeOffset.UnixEpoch, []))).Select(c => c.Id).ToList();
        (await emulator.Admin.PutAsJsonAsync("/_emulator/fault-rate", new { rate = 0.3 })).EnsureSuccessStatusCode();
        await emulator.ClearRequestsAsync();
        var watch = Stopwatch.StartNew();

        var gather = await reader.GatherAsync(ids);

        watch.Stop();
        var log = (await emulator.Admin.GetFromJsonAsync<JsonObject>("/_emulator/requests"))!["results"]!.AsArray();
        var faults = log.Select(r => (string?)r!["fault"]).OfType<string>().ToList();
        Assert.That(faults, Has.Some.EqualTo("random:hang"), "some calls really hung (15 s, past the 10-s attempt timeout)");
        Assert.That(faults, Has.Some.StartsWith("random:5"), "some calls really answered 5xx");
        Assert.That(gather.Failed, Is.Empty);
        Assert.That(gather.Records.Keys, Is.EquivalentTo(ids), "every lead is read");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(8)), "a hung read is hedged after a few times HubSpot's usual latency, not waited for 10 s");
    }
}
