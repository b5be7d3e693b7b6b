using LeadScoring.Core.Insights;
using LeadScoring.Core.Storage;
using LeadScoring.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.Ops;

/// <summary>Trends over a real (Azurite) score history: weekly distribution, groups, drift — and no aggregate small enough to point at one lead.</summary>
internal sealed class ScoreTrendsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Report_GroupsAndWeeks_HideAnythingUnderThreeLeads()
    {
        var history = new ScoreHistoryStore(await TestStorage.CreateAsync());
        var id = 100;
        async Task AddAsync(string source, int score, int daysAgo) => await history.AppendAsync(new ScoreHistoryEntry(
            (id++).ToString(System.Globalization.CultureInfo.InvariantCulture), Now.AddDays(-daysAgo), score, score, score >= 80 ? "High" : "Low", 10, "Nurture",
            0.5, 50, 50, 50, 50, "rules-1", "d", $"{{\"leadSource\":\"{source}\",\"industry\":\"BANKING\"}}"));
        foreach (var score in new[] { 80, 90, 85 })
        {
            await AddAsync("ORGANIC_SEARCH", score, 1);     // three this week
        }

        await AddAsync("ORGANIC_SEARCH", 40, 9);           // one last week: too few for a weekly average
        await AddAsync("REFERRALS", 60, 2);                 // a group of one: pooled, and a pool of one is left out

        var report = await new ScoreTrends(history, new FakeTimeProvider(Now)).ReportAsync();

        var organic = report.BySource.Single(g => g.Group == "ORGANIC_SEARCH");
        Assert.That((organic.Leads, organic.AverageThisWeek, organic.AverageLastWeek), Is.EqualTo((4, (double?)85, (double?)null)));
        Assert.That(report.BySource.Select(g => g.Group), Is.EqualTo(new[] { "ORGANIC_SEARCH" }));
        Assert.That(report.Weeks.Select(w => (w.Week, w.WeekStart.DayOfWeek, w.Partial)), Is.EqualTo(new[]
        {
            ("2026-W46", DayOfWeek.Monday, false), ("2026-W47", DayOfWeek.Monday, false), ("2026-W48", DayOfWeek.Monday, true),
        }), "ISO weeks from Monday, only those with a lead scored");
        Assert.That((report.Weeks[^1].Leads, report.Weeks[^1].Bands.Sum(), report.Weeks[^1].AverageScore), Is.EqualTo((3, 3, (double?)85)), "this ISO week's distribution");
        Assert.That((report.Weeks[^2].Leads, report.Weeks[^2].Bands.Sum(), report.Weeks[^2].AverageScore), Is.EqualTo((1, 0, (double?)null)), "one lead last week: no band, no average");
        Assert.That(organic.Name, Is.EqualTo("Organic search"));
        Assert.That((report.Drift.Psi, report.Drift.ThisWeek, report.Drift.LastWeek), Is.EqualTo(((double?)null, 4, 1)), "no drift from one lead");
    }

    [TestCase("OTHER_CAMPAIGNS", "Other campaigns")]
    [TestCase("SOCIAL_MEDIA", "Organic social")]
    [TestCase("COMPUTER_SOFTWARE", "Computer software")]
    [TestCase(ScoreTrends.Pooled, ScoreTrends.Pooled)]
    public void Readable_HubSpotCode_InWords(string code, string expected) =>
        Assert.That(HubSpotLabels.Readable(code), Is.EqualTo(expected));
}
