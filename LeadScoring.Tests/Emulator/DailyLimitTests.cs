using System.Net;
using LeadScoring.HubSpotEmulator;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.Emulator;

/// <summary>The daily allowance: resets at midnight in the portal's time zone, and the admin endpoints read and set it.</summary>
[TestFixture]
public sealed class DailyLimitTests
{
    [Test]
    public async Task DailyLimit_ResetsAtMidnightInThePortalTimeZoneNotUtc()
    {
        // 18:30 on 1 March in New York (EST, UTC-5).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 23, 30, 0, TimeSpan.Zero));
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5, DailyLimit = 3, TimeProvider = clock });

        var allowed = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add((await emulator.GetAsync("/crm/v3/objects/contacts/1001")).Status);
        }

        var exhausted = await emulator.GetAsync("/crm/v3/objects/contacts/1001");
        clock.Advance(TimeSpan.FromHours(1)); // UTC day is now 2 March; New York's is still 1 March.
        var afterUtcMidnight = await emulator.GetAsync("/crm/v3/objects/contacts/1001");
        var state = await emulator.GetAsync("/_emulator/rate-limits/daily");
        clock.Advance(TimeSpan.FromMinutes(270) - TimeSpan.FromMilliseconds(1)); // 04:59:59.999Z, the last moment of 1 March in New York.
        var justBeforePortalMidnight = await emulator.GetAsync("/crm/v3/objects/contacts/1001");
        clock.Advance(TimeSpan.FromMilliseconds(1)); // 05:00Z = midnight in New York.
        var afterPortalMidnight = await emulator.GetAsync("/crm/v3/objects/contacts/1001");

        Assert.Multiple(() =>
        {
            Assert.That(allowed, Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(exhausted.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(exhausted.Json!["policyName"]!.GetValue<string>(), Is.EqualTo("DAILY"));
            Assert.That(afterUtcMidnight.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(state.Json!["resetsAt"]!.GetValue<string>(), Is.EqualTo("2026-03-02T05:00:00.000Z"));
            Assert.That(justBeforePortalMidnight.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(afterPortalMidnight.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(afterPortalMidnight.Header("X-HubSpot-RateLimit-Daily-Remaining"), Is.EqualTo("2"));
        });
    }

    [TestCase("US/Eastern", "2026-07-01T12:00:00Z", "2026-07-02T04:00:00.000Z")]
    [TestCase("US/Eastern", "2026-03-08T12:00:00Z", "2026-03-09T04:00:00.000Z")]
    [TestCase("Europe/Berlin", "2026-01-15T22:59:00Z", "2026-01-15T23:00:00.000Z")]
    [TestCase("W. Europe Standard Time", "2026-06-15T10:00:00Z", "2026-06-15T22:00:00.000Z")]
    [TestCase("UTC", "2026-06-15T10:00:00Z", "2026-06-16T00:00:00.000Z")]
    [TestCase("Asia/Kolkata", "2026-06-15T10:00:00Z", "2026-06-15T18:30:00.000Z")]
    public async Task GetDaily_ReportsMaxRemainingAndTheNextPortalMidnight(string zone, string now, string resetsAt)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5, DailyLimit = 1000, TimeZone = zone, TimeProvider = clock });
        await emulator.GetAsync("/crm/v3/objects/contacts/1001");

        var reply = await emulator.GetAsync("/_emulator/rate-limits/daily");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK), reply.Text);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Json!["max"]!.GetValue<int>(), Is.EqualTo(1000));
            Assert.That(reply.Json!["remaining"]!.GetValue<long>(), Is.EqualTo(999));
            Assert.That(reply.Json!["resetsAt"]!.GetValue<string>(), Is.EqualTo(resetsAt));
        });
    }

    [Test]
    public async Task PutDaily_Remaining_AllowsThatManyCallsThenAnswersHubSpotsDaily429()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5 });

        var set = await emulator.SendAsync(HttpMethod.Put, "/_emulator/rate-limits/daily", """{"remaining":2}""");
        var first = await emulator.GetAsync("/crm/v3/objects/contacts/1001");
        var second = await emulator.GetAsync("/crm/v3/objects/contacts/1001");
        var limited = await emulator.GetAsync("/crm/v3/objects/contacts/1001");
        var search = await emulator.PostAsync("/crm/v3/objects/contacts/search", """{"limit":1}""");
        var state = await emulator.GetAsync("/_emulator/rate-limits/daily");

        Assert.Multiple(() =>
        {
            Assert.That(set.Status, Is.EqualTo(HttpStatusCode.OK), set.Text);
            Assert.That(set.Json!["remaining"]!.GetValue<long>(), Is.EqualTo(2));
            Assert.That(set.Json!["max"]!.GetValue<int>(), Is.EqualTo(250_000));
            Assert.That(first.Header("X-HubSpot-RateLimit-Daily-Remaining"), Is.EqualTo("1"));
            Assert.That(second.Header("X-HubSpot-RateLimit-Daily-Remaining"), Is.EqualTo("0"));
            Assert.That(limited.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(limited.Json!["status"]!.GetValue<string>(), Is.EqualTo("error"));
            Assert.That(limited.Json!["errorType"]!.GetValue<string>(), Is.EqualTo("RATE_LIMIT"));
            Assert.That(limited.Json!["policyName"]!.GetValue<string>(), Is.EqualTo("DAILY"));
            Assert.That(limited.Json!["message"]!.GetValue<string>(), Is.EqualTo("You have reached your daily limit."));
            Assert.That(limited.Header("X-HubSpot-RateLimit-Daily-Remaining"), Is.EqualTo("0"));
            Assert.That(limited.Headers.RetryAfter, Is.Null);
            Assert.That(search.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(search.Json!["policyName"]!.GetValue<string>(), Is.EqualTo("DAILY"));
            Assert.That(state.Json!["remaining"]!.GetValue<long>(), Is.Zero);
        });
    }

    [Test]
    public async Task PutDaily_RemainingAboveMax_GrantsItForTheRestOfTheDay()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5, DailyLimit = 10 });

        await emulator.SendAsync(HttpMethod.Put, "/_emulator/rate-limits/daily", """{"remaining":50}""");
        var reply = await emulator.GetAsync("/crm/v3/objects/contacts/1001");

        Assert.That(reply.Header("X-HubSpot-RateLimit-Daily-Remaining"), Is.EqualTo("49"));
    }

    [TestCase("""{"remaining":-1}""")]
    [TestCase("""{"remaining":1.5}""")]
    [TestCase("""{"remaining":"lots"}""")]
    [TestCase("""{"remaining":null}""")]
    [TestCase("""{}""")]
    public async Task PutDaily_BadRemaining_Returns400NamingRemaining(string body)
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 0 });

        var reply = await emulator.SendAsync(HttpMethod.Put, "/_emulator/rate-limits/daily", body);

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest), reply.Text);
        Assert.That(reply.Json!["category"]!.GetValue<string>(), Is.EqualTo("VALIDATION_ERROR"));
        Assert.That(reply.Json!["message"]!.GetValue<string>(), Does.Contain("remaining"));
    }
}
