using System.Text.Json;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;

namespace LeadScoring.Core.Insights;

/// <summary>Leads per score band (0–9, 10–19, …, 90–100) in one week, each lead counted once with its latest score that week.</summary>
public sealed record WeeklyDistribution(DateTimeOffset WeekStart, int Leads, IReadOnlyList<int> Bands, double? AverageScore);

/// <summary>A group of leads (a lead source or an industry): how many, their average score and share of High.</summary>
public sealed record GroupTrend(string Group, int Leads, double AverageScore, double HighShare);

/// <summary>Population stability index of this week's scores against last week's, with the usual reading.</summary>
public sealed record Drift(double? Psi, string Reading, int ThisWeek, int LastWeek);

/// <summary>Aggregates only — never one lead: groups smaller than <see cref="ScoreTrends.MinGroupSize"/> are pooled.</summary>
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
        var since = now.AddDays(-7 * Weeks);
        var entries = new List<ScoreHistoryEntry>();
        await foreach (var e in history.ScanSinceAsync(since, cancellationToken).ConfigureAwait(false))
        {
            entries.Add(e);
        }

        var weeks = Enumerable.Range(0, Weeks).Select(i => now.AddDays(-7 * (Weeks - i))).Select(start =>
        {
            var latest = LatestPerContact(entries.Where(e => e.ScoredAt >= start && e.ScoredAt < start.AddDays(7)));
            var bands = new int[Bands];
            foreach (var e in latest)
            {
                bands[Band(e.Score)]++;
            }

            return new WeeklyDistribution(start, latest.Count, bands, latest.Count == 0 ? null : Math.Round(latest.Average(e => e.Score), 1));
        }).ToList();

        var current = LatestPerContact(entries);
        var features = current.Select(e => (Entry: e, Features: Read(e.FeaturesJson))).ToList();
        var thisWeek = LatestPerContact(entries.Where(e => e.ScoredAt >= now.AddDays(-7)));
        var lastWeek = LatestPerContact(entries.Where(e => e.ScoredAt >= now.AddDays(-14) && e.ScoredAt < now.AddDays(-7)));
        return new TrendReport(
            now,
            weeks,
            Groups(features.Select(f => (f.Features?.LeadSource ?? "unknown", f.Entry))),
            Groups(features.Select(f => (f.Features?.Industry ?? "unknown", f.Entry))),
            DriftOf([.. thisWeek.Select(e => e.Score)], [.. lastWeek.Select(e => e.Score)]));
    }

    /// <summary>PSI = Σ (a − e) · ln(a / e) over the 10 score bands (empty bands count as 0.0001): under 0.1 stable, 0.1–0.25 moderate, above 0.25 significant.</summary>
    public static Drift DriftOf(IReadOnlyList<int> thisWeek, IReadOnlyList<int> lastWeek)
    {
        ArgumentNullException.ThrowIfNull(thisWeek);
        ArgumentNullException.ThrowIfNull(lastWeek);
        if (thisWeek.Count == 0 || lastWeek.Count == 0)
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

    public static int Band(int score) => Math.Clamp(score / 10, 0, Bands - 1);

    private static List<ScoreHistoryEntry> LatestPerContact(IEnumerable<ScoreHistoryEntry> entries) =>
        [.. entries.GroupBy(e => e.ContactId, StringComparer.Ordinal).Select(g => g.MaxBy(e => e.ScoredAt)!)];

    private static List<GroupTrend> Groups(IEnumerable<(string Group, ScoreHistoryEntry Entry)> members)
    {
        var groups = members.GroupBy(m => m.Group, StringComparer.Ordinal).ToList();
        var pooled = groups.Where(g => g.Count() < MinGroupSize).SelectMany(g => g).ToList();
        var result = groups.Where(g => g.Count() >= MinGroupSize).Select(g => Trend(g.Key, [.. g.Select(m => m.Entry)])).OrderByDescending(g => g.Leads).ToList();
        if (pooled.Count > 0)
        {
            result.Add(Trend(Pooled, [.. pooled.Select(m => m.Entry)]));
        }

        return result;
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
