using System.Net;
using LeadScoring.HubSpotEmulator;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.Emulator;

/// <summary>The portal time zone (<c>--time-zone</c>), <c>--daily-limit</c>, and <c>GET /account-info/v3/details</c>.</summary>
[TestFixture]
public sealed class TimeZoneAndAccountInfoTests
{
    [Test]
    public void Parse_NoArguments_DefaultsToUsEasternAndTheFreeTierDailyLimit()
    {
        var options = EmulatorArguments.Parse([], out var error, out _)!;

        Assert.That(error, Is.Null);
        Assert.That(options.TimeZone, Is.EqualTo("US/Eastern"));
        Assert.That(options.DailyLimit, Is.EqualTo(250_000));
    }

    [Test]
    public void Parse_DailyLimitAndTimeZone_SetTheOptions()
    {
        var options = EmulatorArguments.Parse(["--daily-limit", "42", "--time-zone=Europe/Berlin"], out var error, out _)!;

        Assert.That(error, Is.Null);
        Assert.That(options.DailyLimit, Is.EqualTo(42));
        Assert.That(options.TimeZone, Is.EqualTo("Europe/Berlin"));
    }

    [Test]
    public void Parse_WindowsTimeZoneId_IsAccepted()
    {
        var options = EmulatorArguments.Parse(["--time-zone", "Eastern Standard Time"], out var error, out _);

        Assert.That(error, Is.Null);
        Assert.That(options!.TimeZone, Is.EqualTo("Eastern Standard Time"));
    }

    [TestCase(new[] { "--time-zone", "Mars/Olympus_Mons" }, "--time-zone")]
    [TestCase(new[] { "--time-zone", "" }, "--time-zone")]
    [TestCase(new[] { "--daily-limit", "0" }, "--daily-limit")]
    [TestCase(new[] { "--daily-limit", "many" }, "--daily-limit")]
    public void Parse_BadTimeZoneOrDailyLimit_ReturnsOneLineNamingTheFlag(string[] args, string flag)
    {
        var options = EmulatorArguments.Parse(args, out var error, out _);

        Assert.That(options, Is.Null);
        Assert.That(error, Does.Contain(flag).And.Not.Contain('\n'));
    }

    [Test]
    public void Build_UnknownTimeZone_ThrowsNamingTheFlag()
    {
        var error = Assert.Throws<ArgumentException>(() => EmulatorApp.Build(new EmulatorOptions { TimeZone = "Nowhere/Special" }));

        Assert.That(error!.Message, Does.Contain("--time-zone"));
    }

    [Test]
    public async Task Main_UnknownTimeZone_ExitsWith2NamingTheFlag()
    {
        var original = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            var code = await EmulatorProgram.Main(["--time-zone", "Nowhere/Special", "--urls", EmulatorServer.AnyPort]);

            Assert.That(code, Is.EqualTo(2));
            Assert.That(captured.ToString(), Does.Contain("--time-zone"));
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [TestCase("US/Eastern", "US/Eastern")]
    [TestCase("America/New_York", "America/New_York")]
    [TestCase("Eastern Standard Time", "America/New_York")]
    [TestCase("W. Europe Standard Time", "Europe/Berlin")]
    [TestCase("Tokyo Standard Time", "Asia/Tokyo")]
    [TestCase("UTC", "UTC")]
    public void Resolve_IanaOrWindowsId_ReportsAnIanaId(string configured, string reported)
    {
        var zone = PortalTimeZone.Resolve(configured);

        Assert.That(zone, Is.Not.Null);
        Assert.That(zone!.Id, Is.EqualTo(reported));
    }

    [Test]
    public void NextMidnight_WhenMidnightIsSkippedByDaylightSaving_IsTheFirstInstantOfTheNewDay()
    {
        // Chile springs forward at 24:00 on the first Saturday of September: 6 Sep 2026 begins at 01:00 (-03:00).
        var zone = PortalTimeZone.Resolve("America/Santiago")!;

        var midnight = zone.NextMidnight(new DateTimeOffset(2026, 9, 5, 12, 0, 0, TimeSpan.Zero));

        Assert.That(midnight, Is.EqualTo(new DateTimeOffset(2026, 9, 6, 4, 0, 0, TimeSpan.Zero)));
        Assert.That(zone.DayAt(midnight), Is.EqualTo(new DateOnly(2026, 9, 6)));
        Assert.That(zone.DayAt(midnight.AddTicks(-1)), Is.EqualTo(new DateOnly(2026, 9, 5)));
    }

    [Test]
    public async Task AccountInfo_DefaultPortal_ReturnsHubSpotsDetailsWithTheOffsetOfTheCurrentInstant()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 20, 15, 0, 0, TimeSpan.Zero));
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 0, PortalId = 4242, TimeProvider = clock });

        var winter = await emulator.GetAsync("/account-info/v3/details");
        clock.SetUtcNow(new DateTimeOffset(2026, 7, 20, 15, 0, 0, TimeSpan.Zero));
        var summer = await emulator.GetAsync("/account-info/v3/details");

        Assert.That(winter.Status, Is.EqualTo(HttpStatusCode.OK), winter.Text);
        Assert.That(winter.Json!.ToJsonString(), Is.EqualTo(
            """{"portalId":4242,"accountType":"STANDARD","timeZone":"US/Eastern","companyCurrency":"USD","additionalCurrencies":[],"utcOffset":"-05:00","utcOffsetMilliseconds":-18000000,"uiDomain":"app.hubspot.com","dataHostingLocation":"na1"}"""));
        Assert.Multiple(() =>
        {
            Assert.That(summer.Json!["utcOffset"]!.GetValue<string>(), Is.EqualTo("-04:00"));
            Assert.That(summer.Json!["utcOffsetMilliseconds"]!.GetValue<long>(), Is.EqualTo(-14_400_000));
        });
    }

    [TestCase("W. Europe Standard Time", "Europe/Berlin", "+01:00", 3_600_000)]
    [TestCase("Asia/Kolkata", "Asia/Kolkata", "+05:30", 19_800_000)]
    [TestCase("UTC", "UTC", "+00:00", 0)]
    [TestCase("America/St_Johns", "America/St_Johns", "-03:30", -12_600_000)]
    public async Task AccountInfo_ConfiguredTimeZone_IsReportedWithItsOffset(string configured, string reported, string offset, long milliseconds)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 20, 15, 0, 0, TimeSpan.Zero));
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 0, TimeZone = configured, TimeProvider = clock });

        var reply = await emulator.GetAsync("/account-info/v3/details");

        Assert.Multiple(() =>
        {
            Assert.That(reply.Json!["timeZone"]!.GetValue<string>(), Is.EqualTo(reported));
            Assert.That(reply.Json!["utcOffset"]!.GetValue<string>(), Is.EqualTo(offset));
            Assert.That(reply.Json!["utcOffsetMilliseconds"]!.GetValue<long>(), Is.EqualTo(milliseconds));
            Assert.That(reply.Json!["portalId"]!.GetValue<long>(), Is.EqualTo(1000001));
        });
    }

    [Test]
    public async Task AccountInfo_WithoutToken_Returns401()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 0 });
        emulator.Client.DefaultRequestHeaders.Authorization = null;

        var reply = await emulator.GetAsync("/account-info/v3/details");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(reply.Json!["category"]!.GetValue<string>(), Is.EqualTo("INVALID_AUTHENTICATION"));
    }

    [Test]
    public async Task AccountInfo_CountsAgainstTheRateLimitsLikeOtherCalls()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 20, 15, 0, 0, TimeSpan.Zero));
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5, RateLimit = 2, DailyLimit = 100, TimeProvider = clock });

        var first = await emulator.GetAsync("/account-info/v3/details");
        var second = await emulator.GetAsync("/crm/v3/objects/contacts/1001");
        var third = await emulator.GetAsync("/account-info/v3/details");

        Assert.Multiple(() =>
        {
            Assert.That(first.Header("X-HubSpot-RateLimit-Remaining"), Is.EqualTo("1"));
            Assert.That(first.Header("X-HubSpot-RateLimit-Daily-Remaining"), Is.EqualTo("99"));
            Assert.That(second.Header("X-HubSpot-RateLimit-Remaining"), Is.EqualTo("0"));
            Assert.That(third.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(third.Json!["policyName"]!.GetValue<string>(), Is.EqualTo("TEN_SECONDLY_ROLLING"));
        });
    }

    [Test]
    public void FormatOffset_WritesSignHoursAndMinutes()
    {
        Assert.That(PortalTimeZone.FormatOffset(TimeSpan.FromMinutes(-210)), Is.EqualTo("-03:30"));
        Assert.That(PortalTimeZone.FormatOffset(TimeSpan.FromHours(13.75)), Is.EqualTo("+13:45"));
        Assert.That(PortalTimeZone.FormatOffset(TimeSpan.Zero), Is.EqualTo("+00:00"));
    }
}
