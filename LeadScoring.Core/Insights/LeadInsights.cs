using System.Text.Json;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;
using LeadScoring.Core.Training;

namespace LeadScoring.Core.Insights;

/// <summary>One point of a lead's score history.</summary>
public sealed record ScorePoint(DateTimeOffset ScoredAt, int Score, string Priority);

/// <summary>A lead in full, for managers: the latest score explained (re-scored from the features stored with it) and its history.</summary>
public sealed record LeadDetail(string ContactId, LeadScore Latest, IReadOnlyList<ScorePoint> History);

/// <summary>The dashboard's read of one lead: its score explained and its history. Ids only, no PII (the lists are <see cref="Leads.LeadLists"/>).</summary>
public sealed class LeadInsights(ScoreHistoryStore history, LeadScorer scorer, SimilarLeads similar)
{
    public const int HistoryPoints = 30;

    /// <summary>The lead's latest score explained, with look-alikes and history; null when it was never scored.</summary>
    public async Task<LeadDetail?> DetailAsync(string contactId, CancellationToken cancellationToken = default)
    {
        var entries = await history.RecentAsync(contactId, HistoryPoints, cancellationToken).ConfigureAwait(false);
        if (entries.Count == 0)
        {
            return null;
        }

        var features = JsonSerializer.Deserialize(entries[0].FeaturesJson, ScoringJsonContext.Default.LeadFeatures) ?? new LeadFeatures();
        var neighbours = await similar.FindAsync(features, contactId, cancellationToken).ConfigureAwait(false);
        var latest = scorer.Score(features, neighbours) with { ContactId = contactId, ScoredAt = entries[0].ScoredAt };
        return new LeadDetail(contactId, latest, [.. entries.Reverse().Select(e => new ScorePoint(e.ScoredAt, e.Score, e.Priority))]);
    }
}
