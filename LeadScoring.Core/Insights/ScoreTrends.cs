using System.Globalization;
using System.Text.Json;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;

namespace LeadScoring.Core.Insights;

/// <summary>
/// Leads per score band (0–9, 10–19, …, 90–100) in one ISO week (Monday 00:00 UTC to the next), each lead counted once
/// with its latest score that week; bands and average are hidden for fewer than 3 leads.
/// </summary>
/// <param name="Week">The ISO week, e.g. <c>2026-W48</c>.</param>
/// <param name="Partial">The current week, not over yet.</param>
public sealed record WeeklyDistribution(DateTimeOffset WeekStart, int Leads, IReadOnlyList<int> Bands, double? AverageScore, string Week = "", bool Partial = false);

/// <summary>
/// A group of leads (a lead source or an industry): how many, their average score and share of High, and the group's
/// average this week and last week (null when fewer than <see cref="ScoreTrends.MinGroupSize"/> of its leads were scored that week).
/// </summary>
public sealed record GroupTrend(string Group, int Leads, double AverageScore, double HighShare, double? AverageThisWeek = null, double? AverageLastWeek = null)
{
    /// <summary>The group in words (<c>OTHER_CAMPAIGNS</c> → "Other campaigns"); <see cref="Group"/> is HubSpot's code.</summary>
    public string Name => HubSpotLabels.Readable(Group);
}

/// <summary>Population stability index of this week's scores against last week's, with the usual reading.</summary>
public sealed record Drift(double? Psi, string Reading, int ThisWeek, int LastWeek);

/// <summary>
/// Aggregates only — never one lead: groups smaller than <see cref="ScoreTrends.MinGroupSize"/> are pooled, and a pool
/// that small is left out. <see cref="Weeks"/> holds the weeks of the last <see cref="ScoreTrends.Weeks"/> with a lead
/// scored (an empty week is left out, not drawn as a gap); "this week" and "last week" of groups and drift are the
/// last 7 days and the 7 before.
/// </summary>
public sealed record TrendReport(DateTimeOffset At, IReadOnlyList<WeeklyDistribution> Weeks, IReadOnlyList<GroupTrend> BySource, IReadOnlyList<GroupTrend> ByIndustry, Drift Drift);

/// <summary>Score distribution over time, by source and industry, and drift (PSI) versus last week, from the score history.</summary>
public sealed class ScoreTrends(ScoreHistoryStore history, TimeProvider clock)
{
    public const int Weeks = 8;
    public const int Bands = 10;

    /// <summary>A group of fewer leads is pooled into "other", so an aggregate cannot single out one lead.</summary>
    public const int MinGroupSize = 3;

    public const string Pooled = "other (groups under 3 leads)";

    public async Task<TrendReport> ReportAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var thisMonday = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-(((int)now.UtcDateTime.DayOfWeek + 6) % 7));
        var since = Min(thisMonday.AddDays(-7 * (Weeks - 1)), now.AddDays(-14));
        var entries = new List<ScoreHistoryEntry>();
        await foreach (var e in history.ScanSinceAsync(since, cancellationToken).ConfigureAwait(false))
        {
            entries.Add(e);
        }

        var weeks = Enumerable.Range(0, Weeks).Select(i => thisMonday.AddDays(-7 * (Weeks - 1 - i))).Select(start =>
        {
            var latest = LatestPerContact(entries.Where(e => e.ScoredAt >= start && e.ScoredAt < start.AddDays(7)));
            var bands = new int[Bands];
            var week = string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(start.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(start.UtcDateTime):00}");
            var partial = start == thisMonday;
            if (latest.Count < MinGroupSize)
            {
                // One or two leads: their bands and average would be their scores.
                return new WeeklyDistribution(start, latest.Count, bands, null, week, partial);
            }

            foreach (var e in latest)
            {
                bands[Band(e.Score)]++;
            }

            return new WeeklyDistribution(start, latest.Count, bands, Math.Round(latest.Average(e => e.Score), 1), week, partial);
        }).Where(w => w.Leads > 0).ToList();

        var current = LatestPerContact(entries);
        var features = current.Select(e => (Entry: e, Features: Read(e.FeaturesJson))).ToList();
        var thisWeek = LatestPerContact(entries.Where(e => e.ScoredAt >= now.AddDays(-7)));
        var lastWeek = LatestPerContact(entries.Where(e => e.ScoredAt >= now.AddDays(-14) && e.ScoredAt < now.AddDays(-7)));
        return new TrendReport(
            now,
            weeks,
            WithWeeks(Groups(features.Select(f => (f.Features?.LeadSource ?? "unknown", f.Entry))), thisWeek, lastWeek, f => f?.LeadSource),
            WithWeeks(Groups(features.Select(f => (f.Features?.Industry ?? "unknown", f.Entry))), thisWeek, lastWeek, f => f?.Industry),
            DriftOf([.. thisWeek.Select(e => e.Score)], [.. lastWeek.Select(e => e.Score)]));
    }

    /// <summary>PSI = Σ (a − e) · ln(a / e) over the 10 score bands (empty bands count as 0.0001): under 0.1 stable, 0.1–0.25 moderate, above 0.25 significant.</summary>
    public static Drift DriftOf(IReadOnlyList<int> thisWeek, IReadOnlyList<int> lastWeek)
    {
        ArgumentNullException.ThrowIfNull(thisWeek);
        ArgumentNullException.ThrowIfNull(lastWeek);
        if (thisWeek.Count < MinGroupSize || lastWeek.Count < MinGroupSize)
        {
            return new Drift(null, "not enough data", thisWeek.Count, lastWeek.Count);
        }

        const double Floor = 0.0001;
        var psi = 0.0;
        for (var band = 0; band < Bands; band++)
        {
            var a = Math.Max(Floor, thisWeek.Count(s => Band(s) == band) / (double)thisWeek.Count);
            var e = Math.Max(Floor, lastWeek.Count(s => Band(s) == band) / (double)lastWeek.Count);
            psi += (a - e) * Math.Log(a / e);
        }

        psi = Math.Round(psi, 4);
        var reading = psi < 0.1 ? "stable" : psi <= 0.25 ? "moderate shift" : "significant shift";
        return new Drift(psi, reading, thisWeek.Count, lastWeek.Count);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    public static int Band(int score) => Math.Clamp(score / 10, 0, Bands - 1);

    private static List<ScoreHistoryEntry> LatestPerContact(IEnumerable<ScoreHistoryEntry> entries) =>
        [.. entries.GroupBy(e => e.ContactId, StringComparer.Ordinal).Select(g => g.MaxBy(e => e.ScoredAt)!)];

    private static List<GroupTrend> Groups(IEnumerable<(string Group, ScoreHistoryEntry Entry)> members)
    {
        var groups = members.GroupBy(m => m.Group, StringComparer.Ordinal).ToList();
        var pooled = groups.Where(g => g.Count() < MinGroupSize).SelectMany(g => g).ToList();
        var result = groups.Where(g => g.Count() >= MinGroupSize).Select(g => Trend(g.Key, [.. g.Select(m => m.Entry)])).OrderByDescending(g => g.Leads).ToList();
        if (pooled.Count >= MinGroupSize)
        {
            result.Add(Trend(Pooled, [.. pooled.Select(m => m.Entry)]));
        }

        return result;
    }

    /// <summary>Each group's average this week and last week, from the leads scored in that week; small groups stay hidden.</summary>
    private static List<GroupTrend> WithWeeks(List<GroupTrend> groups, List<ScoreHistoryEntry> thisWeek, List<ScoreHistoryEntry> lastWeek, Func<LeadFeatures?, string?> key)
    {
        var named = groups.Select(g => g.Group).Where(g => g != Pooled).ToHashSet(StringComparer.Ordinal);
        string GroupOf(ScoreHistoryEntry e)
        {
            var group = key(Read(e.FeaturesJson)) ?? "unknown";
            return named.Contains(group) ? group : Pooled;
        }

        double? Average(List<ScoreHistoryEntry> week, string group)
        {
            var scores = week.Where(e => GroupOf(e) == group).Select(e => e.Score).ToList();
            return scores.Count < MinGroupSize ? null : Math.Round(scores.Average(), 1);
        }

        return [.. groups.Select(g => g with { AverageThisWeek = Average(thisWeek, g.Group), AverageLastWeek = Average(lastWeek, g.Group) })];
    }

    private static GroupTrend Trend(string group, IReadOnlyList<ScoreHistoryEntry> entries) =>
        new(group, entries.Count, Math.Round(entries.Average(e => e.Score), 1), Math.Round(entries.Count(e => e.Priority == nameof(Priority.High)) / (double)entries.Count, 3));

    private static LeadFeatures? Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ScoringJsonContext.Default.LeadFeatures);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
