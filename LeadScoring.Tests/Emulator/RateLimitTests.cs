using System.Net;
using LeadScoring.HubSpotEmulator;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.Emulator;

/// <summary>On a fake clock, so the windows only move when a test advances it.</summary>
[TestFixture]
public sealed class RateLimitTests
{
    private const int Limit = 5;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private EmulatorServer _emulator = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 30, RateLimit = Limit, TimeProvider = _clock });

    [OneTimeTearDown]
    public async Task StopAsync() => await _emulator.DisposeAsync();

    /// <summary>Every test starts with empty windows.</summary>
    [SetUp]
    public void MoveClockPastWindows() => _clock.Advance(TimeSpan.FromSeconds(11));

    [Test]
    public async Task Requests_OverTheTenSecondLimit_Return429WithHubSpotBodyAndNoRetryAfter()
    {
        var remaining = new List<string?>();
        for (var i = 0; i < Limit; i++)
        {
            var ok = await _emulator.GetAsync("/crm/v3/objects/contacts/1001");
            Assert.That(ok.Status, Is.EqualTo(HttpStatusCode.OK));
            remaining.Add(ok.Header("X-HubSpot-RateLimit-Remaining"));
            Assert.Multiple(() =>
            {
                Assert.That(ok.Header("X-HubSpot-RateLimit-Interval-Milliseconds"), Is.EqualTo("10000"));
                Assert.That(ok.Header("X-HubSpot-RateLimit-Max"), Is.EqualTo("5"));
                Assert.That(ok.Header("X-HubSpot-RateLimit-Daily"), Is.EqualTo("250000"));
                Assert.That(ok.Header("X-HubSpot-RateLimit-Daily-Remaining"), Is.Not.Null);
            });
        }

        var limited = await _emulator.GetAsync("/crm/v3/objects/contacts/1001");

        Assert.That(remaining, Is.EqualTo(new[] { "4", "3", "2", "1", "0" }));
        Assert.That(limited.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
        var body = limited.Json!;
        Assert.Multiple(() =>
        {
            Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("error"));
            Assert.That(body["message"]!.GetValue<string>(), Is.EqualTo("You have reached your ten_secondly_rolling limit."));
            Assert.That(body["errorType"]!.GetValue<string>(), Is.EqualTo("RATE_LIMIT"));
            Assert.That(body["policyName"]!.GetValue<string>(), Is.EqualTo("TEN_SECONDLY_ROLLING"));
            Assert.That(body["groupName"]!.GetValue<string>(), Does.StartWith("publicapi:"));
            Assert.That(Guid.TryParse(body["correlationId"]!.GetValue<string>(), out _), Is.True);
            Assert.That(limited.Headers.RetryAfter, Is.Null);
            Assert.That(limited.Header("X-HubSpot-RateLimit-Remaining"), Is.EqualTo("0"));
        });
    }

    [Test]
    public async Task Requests_AfterTheWindowRolls_AreAllowedAgain()
    {
        for (var i = 0; i < Limit; i++)
        {
            await _emulator.GetAsync("/crm/v3/objects/contacts/1001");
        }

        var limited = await _emulator.GetAsync("/crm/v3/objects/contacts/1001");
        _clock.Advance(TimeSpan.FromSeconds(10));
        var allowed = await _emulator.GetAsync("/crm/v3/objects/contacts/1001");

        Assert.That(limited.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(allowed.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Search_OverFivePerSecond_Returns429SecondlyWithoutRateLimitHeaders()
    {
        var replies = new List<Reply>();
        for (var i = 0; i < 6; i++)
        {
            replies.Add(await _emulator.PostAsync("/crm/v3/objects/contacts/search", """{"limit":1}"""));
        }

        var limited = replies[^1];
        Assert.Multiple(() =>
        {
            Assert.That(replies.Take(5).Select(r => r.Status), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(replies.Select(r => r.Header("X-HubSpot-RateLimit-Max")), Is.All.Null);
            Assert.That(limited.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(limited.Json!["policyName"]!.GetValue<string>(), Is.EqualTo("SECONDLY"));
            Assert.That(limited.Json!["message"]!.GetValue<string>(), Is.EqualTo("You have reached your secondly limit."));
            Assert.That(limited.Headers.RetryAfter, Is.Null);
        });
    }

    [Test]
    public async Task Search_DoesNotUseUpTheTenSecondWindow()
    {
        for (var i = 0; i < Limit; i++)
        {
            await _emulator.PostAsync("/crm/v3/objects/contacts/search", """{"limit":1}""");
        }

        var reply = await _emulator.GetAsync("/crm/v3/objects/contacts/1001");

        Assert.That(reply.Header("X-HubSpot-RateLimit-Remaining"), Is.EqualTo("4"));
    }
}
