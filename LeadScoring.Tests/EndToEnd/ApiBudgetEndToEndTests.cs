using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Pipeline;
using LeadScoring.Core.Storage;
using LeadScoring.Tests.Host;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadScoring.Tests.EndToEnd;

/// <summary>
/// What the product spends of the portal's API budget, counted at the emulator: the second batch after a whole-portal
/// one gathers nobody (our own writes are not changes), and the decay pass rescores from snapshots with no reads
/// and writes only what changed. One product per fixture, its clock shiftable (the one seam: time).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ApiBudgetEndToEndTests
{
    private readonly ShiftedClock _clock = new();
    private ProductUnderTest _product = null!;
    private List<string> _contacts = null!;

    [OneTimeSetUp]
    public async Task StartProduct()
    {
        _product = await ProductUnderTest.StartAsync(contacts: 60, services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(_clock)));
        _contacts = await _product.ContactIdsAsync();
        var first = await RunAsync("/api/admin/rescore", "batch-rescore");
        Assert.That((int)first["Enqueued"]!, Is.EqualTo(_contacts.Count), first.ToJsonString());
    }

    [OneTimeTearDown]
    public async Task StopProduct() => await _product.DisposeAsync();

    [Test, Order(1)]
    public async Task SecondBatch_NothingButOurOwnWritesChanged_GathersNobody()
    {
        await _product.Emulator.ClearRequestsAsync();

        var second = await RunAsync("/api/admin/rescore", "batch-rescore");

        Assert.That((int)second["Enqueued"]!, Is.Zero, second.ToJsonString());
        Assert.That((int)second["Skipped"]!, Is.EqualTo(_contacts.Count), "every contact's last change was our write-back");
        var calls = await _product.Emulator.RequestsAsync("/crm/");
        Assert.That(calls.Where(c => !c.Path.EndsWith("/search", StringComparison.Ordinal)), Is.Empty, "only the search pages");
        Assert.That(calls, Has.Count.LessThanOrEqualTo(2));
    }

    [Test, Order(2)]
    public async Task FindModified_OneContactChangedAfterOurWrite_IsTheOnlyOneReturnedAtAnyPageSize()
    {
        var rescore = _product.Host.Services.GetRequiredService<BatchRescore>();
        var lastWritten = _product.Host.Services.GetRequiredService<LastWrittenScoreStore>();
        var edited = _contacts[7];

        // As if someone edited the contact 10 s after our write: its lastmodifieddate is then past our write's.
        var ours = (await lastWritten.GetManyAsync([edited]))[edited];
        await lastWritten.SetManyAsync([ours with { HubSpotModifiedAt = ours.HubSpotModifiedAt!.Value - TimeSpan.FromSeconds(10) }]);
        try
        {
            var window = new RescoreCursor(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddMinutes(1), []);
            var whole = await rescore.FindModifiedAsync(window, max: 500);
            Assert.That((whole.ContactIds, whole.Skipped, whole.Next), Is.EqualTo((new[] { edited }, _contacts.Count - 1, (RescoreCursor?)null)));

            // Examining at most 7 per call, the pages together say the same.
            var (ids, skipped, pages) = (new List<string>(), 0, 0);
            for (RescoreCursor? cursor = window; cursor is not null; pages++)
            {
                var page = await rescore.FindModifiedAsync(cursor, max: 500, maxExamined: 7);
                ids.AddRange(page.ContactIds);
                skipped += page.Skipped;
                cursor = page.Next;
            }

            Assert.That((ids, skipped), Is.EqualTo((new List<string> { edited }, _contacts.Count - 1)));
            Assert.That(pages, Is.GreaterThanOrEqualTo(_contacts.Count / 7));
        }
        finally
        {
            await lastWritten.SetManyAsync([ours]);
        }
    }

    [Test, Order(3)]
    public async Task Decay_ScoresDecayAcrossABandBoundary_RewritesThoseAndNothingElseWithNoReads()
    {
        var before = await WrittenAsync();
        await _product.Emulator.ClearRequestsAsync();
        _clock.Offset = TimeSpan.FromDays(400); // every engagement now falls out of the windows; recency has decayed

        var decay = await RunAsync("/api/admin/decay", "decay");

        Assert.That((int)decay["Examined"]!, Is.EqualTo(_contacts.Count), decay.ToJsonString());
        Assert.That((int)decay["Written"]!, Is.EqualTo((int)decay["Changed"]!));
        Assert.That((int)decay["Written"]!, Is.GreaterThan(0).And.LessThan(_contacts.Count), "some leads decay, those without recent activity do not");
        var calls = await _product.Emulator.RequestsAsync("/crm/");
        Assert.That(calls.Select(c => c.Path).Distinct(), Is.EqualTo(new[] { "/crm/v3/objects/contacts/batch/update" }), "no HubSpot reads at all");
        Assert.That(calls, Has.Count.EqualTo(((int)decay["Written"]! + 99) / 100));

        var after = await WrittenAsync();
        var rewritten = _contacts.Where(id => after[id].Writes > before[id].Writes).ToList();
        Assert.That(rewritten, Has.Count.EqualTo((int)decay["Written"]!));
        Assert.That(rewritten.Where(id => after[id].Score == before[id].Score && after[id].Fit == before[id].Fit), Is.Empty, "only changed scores are written");
        Assert.That(rewritten.Where(id => after[id].Fit != before[id].Fit), Is.Not.Empty, "some lead crossed a band boundary (e.g. Medium → Low)");
        Assert.That(rewritten.Where(id => int.Parse(after[id].Score!) > int.Parse(before[id].Score!)), Is.Empty, "time only lowers a score");

        // Run again at the same time: nothing changes, so nothing is written.
        await _product.Emulator.ClearRequestsAsync();
        var again = await RunAsync("/api/admin/decay", "decay");
        Assert.That(((int)again["Examined"]!, (int)again["Written"]!), Is.EqualTo((_contacts.Count, 0)), again.ToJsonString());
        Assert.That(await _product.Emulator.RequestsAsync("/crm/"), Is.Empty);
    }

    [Test, Order(4)]
    public async Task WholePortalRescore_GathersEveryoneEvenWhenOurWriteWasTheirLastChange()
    {
        var whole = await RunAsync("/api/admin/rescore?scope=portal", "batch-rescore");

        Assert.That(((int)whole["Enqueued"]!, (int)whole["Skipped"]!), Is.EqualTo((_contacts.Count, 0)), whole.ToJsonString());
        Assert.That((string)whole["Since"]!, Does.StartWith("1970-01-01"));
    }

    [Test]
    public async Task AdminRescore_UnknownScope_Is400NamingScope()
    {
        using var response = await _product.Host.SendAsync(HttpMethod.Post, "/api/admin/rescore?scope=everything", TestHost.AdminKey);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("'scope'"));
    }

    /// <summary>Per contact: how many ai_lead_score writes the emulator recorded, and the latest score and fit.</summary>
    private async Task<Dictionary<string, (int Writes, string? Score, string? Fit)>> WrittenAsync()
    {
        var result = new Dictionary<string, (int, string?, string?)>();
        foreach (var id in _contacts)
        {
            var writes = await _product.Emulator.WritesAsync(id);
            result[id] = (
                writes.Count(w => w.Property == LeadScoreProperties.Score),
                writes.LastOrDefault(w => w.Property == LeadScoreProperties.Score)?.Value,
                writes.LastOrDefault(w => w.Property == LeadScoreProperties.Fit)?.Value);
        }

        return result;
    }

    /// <summary>Starts an admin orchestration, waits for it to complete, and returns its output.</summary>
    internal async Task<JsonObject> RunAsync(string route, string instanceId)
    {
        using (var started = await _product.Host.SendAsync(HttpMethod.Post, route, TestHost.AdminKey))
        {
            Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await started.Content.ReadAsStringAsync());
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            using var answer = await _product.Host.SendAsync(HttpMethod.Get, $"/api/admin/orchestrations/{instanceId}", TestHost.AdminKey);
            var status = (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
            if ((string)status["status"]! == "Completed")
            {
                return status["output"]!.AsObject();
            }

            if ((string)status["status"]! is not ("Running" or "Pending") || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{instanceId} did not complete: {status.ToJsonString()}");
            }

            await Task.Delay(250);
        }
    }
}
