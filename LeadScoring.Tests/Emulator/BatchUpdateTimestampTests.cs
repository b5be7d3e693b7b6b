using System.Net;
using LeadScoring.HubSpotEmulator;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.Emulator;

/// <summary><c>updatedAt</c> is the same instant as the record's last-modified property, to the millisecond, as in HubSpot.</summary>
[TestFixture]
public sealed class BatchUpdateTimestampTests
{
    // Sub-millisecond ticks, so any second clock read or rounding difference would show.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero).AddTicks(1_234_567));
    private EmulatorServer _emulator = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 30, TimeProvider = _clock, RateLimit = 10_000 });

    [OneTimeTearDown]
    public async Task StopAsync() => await _emulator.DisposeAsync();

    [SetUp]
    public void Tick() => _clock.Advance(TimeSpan.FromTicks(98_765_432));

    [Test]
    public async Task BatchUpdate_Contacts_EachUpdatedAtEqualsItsNewLastModifiedDate()
    {
        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/update",
            """{"inputs":[{"id":"1001","properties":{"jobtitle":"CTO"}},{"id":"1002","properties":{"jobtitle":"CFO"}}]}""");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK), reply.Text);
        var expected = Iso(_clock.GetUtcNow());
        var results = reply.Json!["results"]!.AsArray();
        Assert.That(results, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            foreach (var result in results)
            {
                Assert.That(result!["updatedAt"]!.GetValue<string>(), Is.EqualTo(result["properties"]!["lastmodifieddate"]!.GetValue<string>()));
                Assert.That(result["updatedAt"]!.GetValue<string>(), Is.EqualTo(expected));
                Assert.That(result["updatedAt"]!.GetValue<string>(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"));
            }
        });
    }

    [Test]
    public async Task BatchUpdate_Companies_UpdatedAtEqualsHsLastModifiedDate()
    {
        var reply = await _emulator.PostAsync("/crm/v3/objects/companies/batch/update", """{"inputs":[{"id":"5000001","properties":{"city":"Lyon"}}]}""");

        var result = reply.Json!["results"]![0]!;
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK), reply.Text);
        Assert.That(result["updatedAt"]!.GetValue<string>(), Is.EqualTo(result["properties"]!["hs_lastmodifieddate"]!.GetValue<string>()));
        Assert.That(result["updatedAt"]!.GetValue<string>(), Is.EqualTo(Iso(_clock.GetUtcNow())));
    }

    [Test]
    public async Task BatchUpdate_UnchangedValue_KeepsUpdatedAtEqualToLastModifiedDate()
    {
        var current = await _emulator.GetAsync("/crm/v3/objects/contacts/1003?properties=firstname");
        var firstname = current.Json!["properties"]!["firstname"]!.GetValue<string>();

        var reply = await _emulator.PostAsync("/crm/v3/objects/contacts/batch/update", $$$"""{"inputs":[{"id":"1003","properties":{"firstname":"{{{firstname}}}"}}]}""");

        var result = reply.Json!["results"]![0]!;
        Assert.That(result["updatedAt"]!.GetValue<string>(), Is.EqualTo(result["properties"]!["lastmodifieddate"]!.GetValue<string>()));
    }

    [Test]
    public async Task SeededRecords_OfEveryType_HaveUpdatedAtEqualToTheirModifiedProperty()
    {
        var mismatches = new List<string>();
        foreach (var (type, property) in new[] { ("contacts", "lastmodifieddate"), ("companies", "hs_lastmodifieddate"), ("deals", "hs_lastmodifieddate"), ("emails", "hs_lastmodifieddate"), ("calls", "hs_lastmodifieddate") })
        {
            var page = await _emulator.GetAsync($"/crm/v3/objects/{type}?limit=100&properties={property}");
            Assert.That(page.Json!["results"]!.AsArray(), Is.Not.Empty, type);
            mismatches.AddRange(page.Json!["results"]!.AsArray()
                .Where(r => r!["updatedAt"]!.GetValue<string>() != r["properties"]![property]?.GetValue<string>())
                .Select(r => $"{type} {r!["id"]}"));
        }

        Assert.That(mismatches, Is.Empty);
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
