using Azure.Data.Tables;
using LeadScoring.Core.Leads;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using LeadScoring.Tests.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.LeadIndex;

/// <summary>The score-ordered lead index on Azurite: pages in score order, filters in the service, rescoring moves a lead, the call queue.</summary>
[TestFixture]
public sealed class LeadIndexStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private LeadScoringStorage _storage = null!;
    private LeadIndexStore _store = null!;

    [SetUp]
    public async Task SetUp() => _store = new LeadIndexStore(_storage = await TestStorage.CreateAsync());

    [Test]
    public async Task Page_ManyLeads_ReturnsTrueTopByScoreThenPagesOnWithoutGapsOrRepeats()
    {
        var leads = Enumerable.Range(0, 230).Select(i => Update($"{1001 + i}", (i * 37) % 101)).ToList();
        await _store.SetManyAsync(leads, Now);
        var expected = leads.OrderByDescending(l => l.Score.Score).ThenBy(l => l.ContactId.PadLeft(20, '0'), StringComparer.Ordinal).Select(l => l.ContactId).ToList();

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await _store.PageAsync(new LeadFilter(), token, 50);
            seen.AddRange(page.Leads.Select(l => l.ContactId));
            token = page.Next;
            pages++;
        }
        while (token is not null);

        Assert.That(seen, Is.EqualTo(expected));
        Assert.That(pages, Is.EqualTo(5));
    }

    [Test]
    public async Task Page_Filters_NarrowInTheServiceAndKeepScoreOrder()
    {
        await _store.SetManyAsync(
        [
            Update("1", 90, industry: "COMPUTER_SOFTWARE", owner: "81000001"),
            Update("2", 85, industry: "FARMING", owner: "81000001"),
            Update("3", 70, industry: "COMPUTER_SOFTWARE", owner: "81000002", stage: "customer"),
            Update("4", 40, industry: "COMPUTER_SOFTWARE", owner: "81000001", source: "REFERRALS"),
        ], Now);

        var software = await _store.PageAsync(new LeadFilter { Industry = "COMPUTER_SOFTWARE" }, null, 50);
        var mine = await _store.PageAsync(new LeadFilter { OwnerId = "81000001", Priority = "High" }, null, 50);
        var referrals = await _store.PageAsync(new LeadFilter { LeadSource = "REFERRALS" }, null, 50);
        var notCustomers = await _store.PageAsync(new LeadFilter { ExcludedStages = ["customer", "evangelist"] }, null, 50);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(software.Leads.Select(l => l.ContactId), Is.EqualTo(new[] { "1", "3", "4" }));
            Assert.That(mine.Leads.Select(l => l.ContactId), Is.EqualTo(new[] { "1", "2" }));
            Assert.That(referrals.Leads.Select(l => l.ContactId), Is.EqualTo(new[] { "4" }));
            Assert.That(notCustomers.Leads.Select(l => l.ContactId), Is.EqualTo(new[] { "1", "2", "4" }), "a lead without a stage stays too");
        }
    }

    [Test]
    public async Task SetMany_Rescored_MovesTheLeadAndRecordsTheChange()
    {
        await _store.SetManyAsync([Update("7", 60), Update("8", 70)], Now.AddDays(-3));

        await _store.SetManyAsync([Update("7", 85), Update("8", 70)], Now);
        var page = await _store.PageAsync(new LeadFilter(), null, 50);
        var since = await _store.PageAsync(new LeadFilter { ChangedSince = Now.AddHours(-1) }, null, 50);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Leads.Select(l => (l.ContactId, l.Score)), Is.EqualTo(new[] { ("7", 85), ("8", 70) }), "one row per lead, the old one gone");
            Assert.That(page.Leads[0].Change, Is.EqualTo("up"));
            Assert.That(page.Leads[0].PreviousPriority, Is.EqualTo("Medium"));
            Assert.That(page.Leads[1].ChangedAt, Is.EqualTo(Now.AddDays(-3)), "an unchanged score keeps when it last changed");
            Assert.That(since.Leads.Select(l => l.ContactId), Is.EqualTo(new[] { "7" }));
        }
    }

    [Test]
    public async Task SetMany_AfterAWriteCutOffBeforeItsDelete_RemovesEveryOldRankRow()
    {
        // A write that moved the lead from 60 to 95 and crashed before deleting its old rank row leaves both rows; the
        // next write (70) must remove both, or the list would go on showing the lead at an old score.
        var ranks = _storage.Table(_storage.Names.LeadIndex);
        await _store.SetManyAsync([Update("7", 60)], Now.AddDays(-2));
        var at60 = await RankRowsOf(ranks, "7");
        await _store.SetManyAsync([Update("7", 95)], Now.AddDays(-1));
        await ranks.UpsertEntityAsync(at60.Single());

        await _store.SetManyAsync([Update("7", 70)], Now);

        var rows = await RankRowsOf(ranks, "7");
        var page = await _store.PageAsync(new LeadFilter(), null, 50);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows.Select(r => r.GetInt32("Score")), Is.EqualTo(new int?[] { 70 }), "rank rows of contact 7");
            Assert.That(page.Leads.Select(l => (l.ContactId, l.Score)), Is.EqualTo(new[] { ("7", 70) }));
        }
    }

    [Test]
    public async Task SetMany_RescoredManyTimes_DeletesAtMostTwoOldKeysPerWrite()
    {
        foreach (var score in new[] { 40, 50, 60, 70, 80 })
        {
            await _store.SetManyAsync([Update("9", score)], Now);
        }

        var byId = await _storage.Table(_storage.Names.LeadIndexById).GetEntityAsync<TableEntity>(LeadIndexStore.ContactPartition, "9");
        var retired = byId.Value.GetString("RetiredRankKeys").Split('\n');
        Assert.That(retired, Is.EqualTo(new[] { LeadIndexStore.RankKey(70, "9"), LeadIndexStore.RankKey(60, "9") }));
        Assert.That((await RankRowsOf(_storage.Table(_storage.Names.LeadIndex), "9")).Select(r => r.GetInt32("Score")), Is.EqualTo(new int?[] { 80 }));
    }

    [Test]
    public async Task Forget_RemovesTheLeadFromListAndLookup()
    {
        await _store.SetManyAsync([Update("7", 60), Update("8", 70)], Now);

        await _store.ForgetAsync("7");

        Assert.That(await _store.FindAsync("7"), Is.Null);
        Assert.That((await _store.PageAsync(new LeadFilter(), null, 50)).Leads.Select(l => l.ContactId), Is.EqualTo(new[] { "8" }));
    }

    [Test]
    public async Task CallQueue_PriorityThenScore_WithWhyLinkAndChangeButNoCustomers()
    {
        await _store.SetManyAsync([Update("11", 55), Update("12", 95, stage: "customer"), Update("13", 82), Update("14", 30, owner: "81000003")], Now.AddDays(-2));
        await _store.SetManyAsync([Update("11", 81)], Now.AddHours(-2));
        var lists = Lists(portalId: 1000001);

        var page = await lists.CallQueueAsync(new LeadListRequest(new LeadFilter(), null, null, 50), owner: "81000003");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Leads.Select(l => (l.ContactId, l.Priority)), Is.EqualTo(new[] { ("13", "High"), ("11", "High"), ("14", "Low") }));
            Assert.That(page.Leads[1].ChangedSinceYesterday, Is.True);
            Assert.That(page.Leads[1].Change, Is.EqualTo("Moved up from Medium"));
            Assert.That(page.Leads[0].ChangedSinceYesterday, Is.False);
            Assert.That(page.Leads[0].Why, Is.Not.Empty);
            Assert.That(page.Leads[0].Missing, Has.Member("Annual revenue unknown"), "what's missing in words, not factor codes");
            Assert.That(page.Leads[0].HubSpotUrl, Is.EqualTo(new Uri("https://app.hubspot.com/contacts/1000001/record/0-1/13")));
            Assert.That(page.Leads.Select(l => l.Mine), Is.EqualTo(new[] { false, false, true }));
        }
    }

    [Test]
    public async Task Scored_ByContactId_FindsOnlyThatLead()
    {
        await _store.SetManyAsync([Update("21", 55), Update("22", 65)], Now);
        var lists = Lists(portalId: null);

        var found = await lists.ScoredAsync(new LeadListRequest(new LeadFilter(), "22", null, 50));
        var filteredOut = await lists.ScoredAsync(new LeadListRequest(new LeadFilter { Priority = "High" }, "22", null, 50));

        Assert.That(found.Leads.Select(l => l.ContactId), Is.EqualTo(new[] { "22" }));
        Assert.That(filteredOut.Leads, Is.Empty);
    }

    [TestCase("pageSize=500", "pageSize")]
    [TestCase("priority=urgent", "priority")]
    [TestCase("nextAction=Call", "nextAction")]
    [TestCase("source=ORGANIC SEARCH", "source")]
    [TestCase("contactId=12a", "contactId")]
    [TestCase("pageToken=000-1", "pageToken")]
    [TestCase("changedSince=last week", "changedSince")]
    public void Parse_BadParameter_NamesIt(string query, string parameter)
    {
        var (name, value) = (query[..query.IndexOf('=', StringComparison.Ordinal)], query[(query.IndexOf('=', StringComparison.Ordinal) + 1)..]);

        LeadListRequest.Parse(n => n == name ? value : null, out var errors);

        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { parameter }));
    }

    private static async Task<List<TableEntity>> RankRowsOf(TableClient ranks, string contactId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in ranks.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ContactId eq {contactId}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    private LeadLists Lists(long? portalId) =>
        new(_store, ScoringProfile.Default, Options.Create(new LeadScoringSettings { PortalId = portalId }), _clock);

    private static LeadIndexUpdate Update(string id, int score, string? industry = "COMPUTER_SOFTWARE", string? owner = null, string? stage = "salesqualifiedlead", string? source = "ORGANIC_SEARCH")
    {
        var features = new LeadFeatures { ContactId = id, Industry = industry, LifecycleStage = stage, LeadSource = source, EmployeeCount = 500 };
        var scored = new LeadScorer(ScoringProfile.Default, TimeProvider.System).Score(features);
        return new LeadIndexUpdate(id, features, scored with { Score = score, Priority = PriorityBands.FromScore(score) }, "Follow-up", owner);
    }
}
