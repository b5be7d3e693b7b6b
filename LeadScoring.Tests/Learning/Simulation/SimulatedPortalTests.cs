using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator;
using LeadScoring.HubSpotEmulator.Simulation;

namespace LeadScoring.Tests.Learning.Simulation;

/// <summary>The emulator's simulated portal on its own (no product): arrivals, working, deals, determinism.</summary>
[CancelAfter(300_000)]
public sealed class SimulatedPortalTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Weeks_BringExactlyTheWeeklyArrivals_AndTheTeamWorksItsCapacity()
    {
        var (emulator, clock, portal) = await StartAsync(new SimulationOptions { ContactsPerWeek = 45, WeeklyCapacity = 12, Order = WorkOrder.Arrival, ExploreShare = 0.25 });
        await using var _ = emulator;
        var before = portal.ContactIds().Count;
        for (var week = 1; week <= 3; week++)
        {
            Live(clock, portal, 1);
            var worked = portal.WorkWeek();

            Assert.That(portal.Leads().Count(l => !l.Seeded), Is.EqualTo(45 * week));
            Assert.That(portal.ContactIds(), Has.Count.EqualTo(before + (45 * week)), "real contacts in the portal");
            Assert.That(worked, Has.Count.EqualTo(12));
            Assert.That(worked.Count(l => l.ChosenBy == "explore"), Is.EqualTo(3), "a quarter of the capacity explores");
            Assert.That(worked.Where(l => l.ChosenBy == "arrival").Min(l => l.ArrivedAt), Is.GreaterThanOrEqualTo(
                portal.Leads().Where(l => l.WorkedAt is null).Select(l => l.ArrivedAt).DefaultIfEmpty(DateTimeOffset.MinValue).Max()), "newest first");
        }
    }

    [Test]
    public async Task Deals_CloseWeeksAfterTheyOpen_AsRealDealsOfTheContact()
    {
        var (emulator, clock, portal) = await StartAsync(new SimulationOptions { ContactsPerWeek = 60, WeeklyCapacity = 30 });
        await using var _ = emulator;
        for (var week = 0; week < 10; week++)
        {
            Live(clock, portal, 1);
            portal.WorkWeek();
        }

        var closed = portal.Leads().Where(l => !l.Seeded && (l.WonAt ?? l.LostAt) is not null).ToList();
        Assert.That(closed, Has.Count.GreaterThan(10));
        Assert.That(closed.Select(l => ((l.WonAt ?? l.LostAt)!.Value - l.DealOpenedAt!.Value).TotalDays), Has.All.GreaterThanOrEqualTo(7));
        Assert.That(closed.Where(l => l.WorkedAt is not null).Select(l => (l.DealOpenedAt!.Value - l.WorkedAt!.Value).TotalDays), Has.All.GreaterThanOrEqualTo(0));

        // Over the API, as the product reads them: a closed deal associated with the contact, closed on the simulated clock.
        var won = closed.First(l => l.WonAt is not null);
        var deals = await emulator.Client.GetFromJsonAsync<JsonObject>($"/crm/v4/objects/contacts/{won.ContactId}/associations/deals");
        var dealIds = deals!["results"]!.AsArray().Select(r => (string)r!["toObjectId"]!.AsValue().ToString()).ToList();
        var stages = new List<(string Stage, DateTimeOffset Closed)>();
        foreach (var id in dealIds)
        {
            var deal = await emulator.Client.GetFromJsonAsync<JsonObject>($"/crm/v3/objects/deals/{id}?properties=dealstage,closedate");
            stages.Add(((string)deal!["properties"]!["dealstage"]!, DateTimeOffset.Parse((string)deal["properties"]!["closedate"]!, System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.That(stages.Select(s => s.Stage), Does.Contain("closedwon"));
        Assert.That(stages.First(s => s.Stage == "closedwon").Closed, Is.EqualTo(won.WonAt!.Value).Within(TimeSpan.FromSeconds(1)));
        Assert.That(won.WonAt.Value, Is.GreaterThan(Start.AddDays(7)), "on the simulated clock, weeks in");
    }

    [Test]
    public async Task WorkedLeads_ConvertMoreOftenThanUnworked_AtEqualPropensity()
    {
        var (emulator, clock, portal) = await StartAsync(new SimulationOptions { ContactsPerWeek = 150, WeeklyCapacity = 60, Order = WorkOrder.Arrival, ExploreShare = 0.5 }, portalContacts: 0);
        await using var _ = emulator;
        for (var week = 0; week < 8; week++)
        {
            Live(clock, portal, 1);
            portal.WorkWeek();
        }

        Live(clock, portal, 10); // let the deals close
        var leads = portal.Leads();
        var bands = leads.GroupBy(l => Math.Min(3, (int)(l.Propensity / 0.1))).Where(g => g.Count(l => l.WorkedAt is not null) >= 30 && g.Count(l => l.WorkedAt is null) >= 30).ToList();
        Assert.That(bands, Has.Count.GreaterThanOrEqualTo(2), "enough leads of similar propensity on both sides");
        foreach (var band in bands)
        {
            double Rate(bool worked) => band.Where(l => (l.WorkedAt is not null) == worked).Average(l => l.WonAt is null ? 0.0 : 1.0);
            TestContext.Out.WriteLine($"propensity band {band.Key}: worked {Rate(true):P1}, unworked {Rate(false):P1}");
            Assert.That(Rate(true), Is.GreaterThan(Rate(false)), $"propensity band {band.Key / 10.0:0.0}");
        }
    }

    [Test]
    public async Task SameSeed_GivesTheSamePortal()
    {
        async Task<List<string>> RunAsync(int seed)
        {
            var (emulator, clock, portal) = await StartAsync(new SimulationOptions { Seed = seed, ContactsPerWeek = 40, WeeklyCapacity = 15, Order = WorkOrder.Arrival, ExploreShare = 0.2 }, portalContacts: 100);
            await using var _ = emulator;
            for (var week = 0; week < 6; week++)
            {
                Live(clock, portal, 1);
                portal.WorkWeek();
            }

            // Whole simulated days: the clock's real-time drift between runs is seconds.
            int? Day(DateTimeOffset? at) => at is { } t ? (int)(t - clock.Start).TotalDays : null;
            return [.. portal.Leads().Select(l => $"{l.ContactId} {l.Propensity} {Day(l.WorkedAt)} {l.ChosenBy} {Day(l.DealOpenedAt)} {Day(l.WonAt)} {Day(l.LostAt)}")];
        }

        var first = await RunAsync(5);
        Assert.That(await RunAsync(5), Is.EqualTo(first));
        Assert.That(await RunAsync(6), Is.Not.EqualTo(first));
        Assert.That(first.Count(l => l.Contains("explore", StringComparison.Ordinal)), Is.GreaterThan(0));
    }

    private static async Task<(EmulatorServer Emulator, SimulationClock Clock, SimulatedPortal Portal)> StartAsync(SimulationOptions options, int portalContacts = 200)
    {
        var clock = new SimulationClock(Start);
        var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Seed = 11, Contacts = portalContacts, TimeProvider = clock, RateLimit = 100_000 });
        return (emulator, clock, emulator.Simulate(options));
    }

    private static void Live(SimulationClock clock, SimulatedPortal portal, int weeks)
    {
        for (var day = 0; day < 7 * weeks; day++)
        {
            clock.Advance(TimeSpan.FromDays(1));
            portal.SimulateDay();
        }
    }
}
