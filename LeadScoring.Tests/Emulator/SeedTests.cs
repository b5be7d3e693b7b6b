using System.Globalization;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.Emulator;

[TestFixture]
public sealed class SeedTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Portal_SameSeedAndClock_IsIdentical()
    {
        var first = await ExportAsync(seed: 11);
        var second = await ExportAsync(seed: 11);

        Assert.That(second.Portal, Is.EqualTo(first.Portal));
        Assert.That(second.Truth, Is.EqualTo(first.Truth));
    }

    [Test]
    public async Task Portal_DifferentSeed_IsDifferent()
    {
        var first = await ExportAsync(seed: 11);
        var other = await ExportAsync(seed: 12);

        Assert.That(other.Portal, Is.Not.EqualTo(first.Portal));
    }

    [Test]
    public async Task Portal_Seeded_HasHubSpotShapedDataDrivenByPropensity()
    {
        var (portalText, truthText) = await ExportAsync(seed: 42, contacts: 500);
        var portal = JsonNode.Parse(portalText)!["objects"]!;
        var truth = JsonNode.Parse(truthText)!["contacts"]!.AsObject();
        var contacts = portal["contacts"]!.AsArray();
        var companies = portal["companies"]!.AsArray();
        var calls = portal["calls"]!.AsArray();
        var converted = truth.Where(t => t.Value!["converted"]!.GetValue<bool>()).Select(t => t.Key).ToHashSet();
        string Stage(JsonNode c) => c["properties"]!["lifecyclestage"]!.GetValue<string>();
        double MeanPropensity(IEnumerable<KeyValuePair<string, JsonNode?>> items) => items.Average(t => t.Value!["propensity"]!.GetValue<double>());
        var oldest = portal["emails"]!.AsArray().Min(e => DateTimeOffset.Parse(e!["properties"]!["hs_timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture));

        Assert.Multiple(() =>
        {
            Assert.That(contacts, Has.Count.EqualTo(500));
            Assert.That(companies, Has.Count.InRange(160, 170));
            Assert.That(truth, Has.Count.EqualTo(500));
            Assert.That(converted, Has.Count.InRange(25, 200));
            Assert.That(contacts.Where(c => converted.Contains(c!["id"]!.GetValue<string>())).Select(c => Stage(c!)), Is.All.AnyOf("customer", "evangelist"));
            Assert.That(MeanPropensity(truth.Where(t => converted.Contains(t.Key))), Is.GreaterThan(MeanPropensity(truth.Where(t => !converted.Contains(t.Key)))));
            Assert.That(companies.Select(c => c!["properties"]!["industry"]?.GetValue<string>()).OfType<string>(), Does.Contain("COMPUTER_SOFTWARE"));
            Assert.That(calls.Select(c => c!["properties"]!["hs_call_disposition"]!.GetValue<string>()), Does.Contain("f240bbac-87c9-4f6e-bf70-924b57d47db7"));
            Assert.That(portal["deals"]!.AsArray().Select(d => d!["properties"]!["dealstage"]!.GetValue<string>()), Does.Contain("closedwon").And.Contain("closedlost"));
            Assert.That(portal["notes"]!.AsArray().Select(n => n!["properties"]!["hs_note_body"]!.GetValue<string>()), Has.Some.Contain("@"));
            Assert.That(oldest, Is.GreaterThanOrEqualTo(Now.AddDays(-181)));
        });
    }

    [Test]
    public async Task Reset_WithAnotherSeed_ReseedsThePortal()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 20 });
        var before = (await emulator.GetAsync("/crm/v3/objects/contacts/1001")).Json!["properties"]!["email"]!.GetValue<string>();

        var reset = await emulator.PostAsync("/_emulator/reset", """{"seed":99,"contacts":25}""");
        var search = await emulator.PostAsync("/crm/v3/objects/contacts/search", """{"limit":1}""");
        var after = (await emulator.GetAsync("/crm/v3/objects/contacts/1001")).Json!["properties"]!["email"]!.GetValue<string>();

        Assert.That(reset.Json!["seed"]!.GetValue<int>(), Is.EqualTo(99));
        Assert.That(search.Json!["total"]!.GetValue<int>(), Is.EqualTo(25));
        Assert.That(after, Is.Not.EqualTo(before));
    }

    private static async Task<(string Portal, string Truth)> ExportAsync(int seed, int contacts = 150)
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            Seed = seed, Contacts = contacts, TimeProvider = new FakeTimeProvider(Now),
        });
        return ((await emulator.GetAsync("/_emulator/portal")).Text, (await emulator.GetAsync("/_emulator/ground-truth")).Text);
    }
}
