using Azure;
using Azure.Data.Tables;

namespace LeadScoring.Core.Storage;

/// <summary>One scoring of a contact, as kept in the history.</summary>
/// <param name="FeaturesDigest">Hash of the features scored, to tell whether a rescore saw different inputs.</param>
/// <param name="FeaturesJson">The features scored (ids, counts and codes only; no PII).</param>
public sealed record ScoreHistoryEntry(
    string ContactId,
    DateTimeOffset ScoredAt,
    int Score,
    double ExactScore,
    string Priority,
    int CloseProbability,
    string NextBestAction,
    double Confidence,
    double Fit,
    double Engagement,
    double Outcome,
    double Recency,
    string ModelVersion,
    string FeaturesDigest,
    string FeaturesJson);

/// <summary>Score history per contact, newest first (PK = contactId, RK = inverted ticks so a query returns newest first).</summary>
public sealed class ScoreHistoryStore(LeadScoringStorage storage)
{
    /// <summary>Azure Tables' limit for a string property (64 KiB of UTF-16).</summary>
    public const int MaxFeaturesJsonLength = 32 * 1024;

    private readonly TableClient _table = storage.Table(storage.Names.ScoreHistory);

    /// <summary>Adds the entry; an entry for the same contact and instant replaces the earlier one, so a retried message does not duplicate history.</summary>
    public async Task AppendAsync(ScoreHistoryEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.FeaturesJson.Length > MaxFeaturesJsonLength)
        {
            throw new ArgumentException($"FeaturesJson has {entry.FeaturesJson.Length} characters; a table property holds at most {MaxFeaturesJsonLength}.", nameof(entry));
        }

        var entity = new ScoreHistoryEntity
        {
            PartitionKey = TableOperations.Key(entry.ContactId, nameof(entry)),
            RowKey = TableOperations.InvertedTicks(entry.ScoredAt),
            ScoredAt = entry.ScoredAt,
            Score = entry.Score,
            ExactScore = entry.ExactScore,
            Priority = entry.Priority,
            CloseProbability = entry.CloseProbability,
            NextBestAction = entry.NextBestAction,
            Confidence = entry.Confidence,
            Fit = entry.Fit,
            Engagement = entry.Engagement,
            Outcome = entry.Outcome,
            Recency = entry.Recency,
            ModelVersion = entry.ModelVersion,
            FeaturesDigest = entry.FeaturesDigest,
            FeaturesJson = entry.FeaturesJson,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the contact's whole history (privacy deletion); returns how many entries were removed.</summary>
    public async Task<int> ForgetAsync(string contactId, CancellationToken cancellationToken = default)
    {
        var removed = 0;
        var rows = _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {contactId}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            using var response = await _table.DeleteEntityAsync(row.PartitionKey, row.RowKey, Azure.ETag.All, cancellationToken).ConfigureAwait(false);
            removed++;
        }

        return removed;
    }

    /// <summary>Every entry scored at or after <paramref name="since"/>, all contacts (a table scan: for aggregate trends).</summary>
    public async IAsyncEnumerable<ScoreHistoryEntry> ScanSinceAsync(DateTimeOffset since, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = _table.QueryAsync<ScoreHistoryEntity>(TableClient.CreateQueryFilter($"ScoredAt ge {since}"), cancellationToken: cancellationToken);
        await foreach (var e in rows.ConfigureAwait(false))
        {
            yield return ToEntry(e);
        }
    }

    /// <summary>The contact's <paramref name="take"/> most recent entries, newest first.</summary>
    public async Task<IReadOnlyList<ScoreHistoryEntry>> RecentAsync(string contactId, int take, CancellationToken cancellationToken = default)
    {
        TableOperations.Key(contactId, nameof(contactId));
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        var entries = new List<ScoreHistoryEntry>(Math.Min(take, 1000));
        if (take == 0)
        {
            return entries;
        }

        var query = _table.QueryAsync<ScoreHistoryEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {contactId}"), maxPerPage: Math.Min(take, 1000), cancellationToken: cancellationToken);
        await foreach (var e in query.ConfigureAwait(false))
        {
            entries.Add(ToEntry(e));
            if (entries.Count == take)
            {
                break;
            }
        }

        return entries;
    }

    /// <summary>Every entry of every contact (for retraining), in no particular order.</summary>
    public async IAsyncEnumerable<ScoreHistoryEntry> AllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in _table.QueryAsync<ScoreHistoryEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return ToEntry(e);
        }
    }

    // The row key holds the exact instant; a stored DateTime may be rounded by the service.
    private static ScoreHistoryEntry ToEntry(ScoreHistoryEntity e) => new(
        e.PartitionKey, TableOperations.FromInvertedTicks(e.RowKey), e.Score, e.ExactScore, e.Priority, e.CloseProbability, e.NextBestAction,
        e.Confidence, e.Fit, e.Engagement, e.Outcome, e.Recency, e.ModelVersion, e.FeaturesDigest, e.FeaturesJson);
}

internal sealed class ScoreHistoryEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public DateTimeOffset ScoredAt { get; set; }

    public int Score { get; set; }

    public double ExactScore { get; set; }

    public string Priority { get; set; } = "";

    public int CloseProbability { get; set; }

    public string NextBestAction { get; set; } = "";

    public double Confidence { get; set; }

    public double Fit { get; set; }

    public double Engagement { get; set; }

    public double Outcome { get; set; }

    public double Recency { get; set; }

    public string ModelVersion { get; set; } = "";

    public string FeaturesDigest { get; set; } = "";

    public string FeaturesJson { get; set; } = "";
}
