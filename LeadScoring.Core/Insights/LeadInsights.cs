using System.Text.Json;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;
using LeadScoring.Core.Training;

namespace LeadScoring.Core.Insights;

/// <summary>A lead as a rep may see it: its HubSpot id, priority level and next action — no number.</summary>
public sealed record LeadPriority(string ContactId, string Priority, string NextBestAction, DateTimeOffset UpdatedAt);

/// <summary>One point of a lead's score history.</summary>
public sealed record ScorePoint(DateTimeOffset ScoredAt, int Score, string Priority);

/// <summary>A lead in full, for managers: the latest score explained (re-scored from the features stored with it) and its history.</summary>
public sealed record LeadDetail(string ContactId, LeadScore Latest, IReadOnlyList<ScorePoint> History);

/// <summary>The dashboard's reads of individual leads: the last written scores and the score history. Ids only, no PII.</summary>
public sealed class LeadInsights(LastWrittenScoreStore lastWritten, ScoreHistoryStore history, LeadScorer scorer, SimilarLeads similar)
{
    public const int MaxLeads = 1000;
    public const int HistoryPoints = 30;

    /// <summary>The last written scores, highest first.</summary>
    public async Task<IReadOnlyList<LastWrittenScore>> ScoresAsync(CancellationToken cancellationToken = default) =>
        [.. (await lastWritten.ListAsync(MaxLeads, cancellationToken).ConfigureAwait(false)).OrderByDescending(s => s.Score).ThenBy(s => s.ContactId, StringComparer.Ordinal)];

    /// <summary>
    /// Priority and next action only, High first, then by next action and contact id — not by score, so not even the
    /// order within a tier reveals a number.
    /// </summary>
    public async Task<IReadOnlyList<LeadPriority>> PrioritiesAsync(CancellationToken cancellationToken = default) =>
        [.. (await lastWritten.ListAsync(MaxLeads, cancellationToken).ConfigureAwait(false))
            .OrderBy(s => TierOrder(s.Priority)).ThenBy(s => s.NextBestAction, StringComparer.Ordinal).ThenBy(s => s.ContactId, StringComparer.Ordinal)
            .Select(s => new LeadPriority(s.ContactId, s.Priority, s.NextBestAction, s.WrittenAt))];

    private static int TierOrder(string priority) => priority switch
    {
        nameof(Priority.High) => 0,
        nameof(Priority.Medium) => 1,
        _ => 2,
    };

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
