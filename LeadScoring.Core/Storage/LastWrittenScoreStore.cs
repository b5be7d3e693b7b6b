using Azure;
using Azure.Data.Tables;

namespace LeadScoring.Core.Storage;

/// <summary>The score properties last written to a HubSpot contact.</summary>
/// <param name="PropertiesDigest">Hash of every property value written, to skip a write that would change nothing.</param>
/// <param name="HubSpotModifiedAt">The contact's lastmodifieddate as HubSpot set it for this write: a later one is someone else's change.</param>
public sealed record LastWrittenScore(
    string ContactId, int Score, string Priority, int CloseProbability, string NextBestAction, string ModelVersion, string PropertiesDigest, DateTimeOffset WrittenAt,
    DateTimeOffset? HubSpotModifiedAt = null);

/// <summary>What was last written to HubSpot per contact, so unchanged scores are not written again (PK "contacts", RK contactId).</summary>
public sealed class LastWrittenScoreStore(LeadScoringStorage storage)
{
    internal const string Partition = "contacts";

    private readonly TableClient _table = storage.Table(storage.Names.LastScores);

    /// <summary>The last written scores of those contacts that have one.</summary>
    public async Task<IReadOnlyDictionary<string, LastWrittenScore>> GetManyAsync(IReadOnlyCollection<string> contactIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        var keys = contactIds.Distinct(StringComparer.Ordinal).Select(id => (Partition, TableOperations.Key(id, nameof(contactIds)))).ToList();
        var found = await TableOperations.GetManyAsync<LastWrittenScoreEntity>(_table, keys, select: null, cancellationToken).ConfigureAwait(false);
        return found.OfType<LastWrittenScoreEntity>().ToDictionary(
            e => e.RowKey,
            e => e.ToScore(),
            StringComparer.Ordinal);
    }

    /// <summary>Every contact's last written score (the dashboard's lead list), at most <paramref name="take"/>.</summary>
    public async Task<IReadOnlyList<LastWrittenScore>> ListAsync(int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        var found = new List<LastWrittenScore>();
        var rows = _table.QueryAsync<LastWrittenScoreEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken);
        await foreach (var e in rows.ConfigureAwait(false))
        {
            if (found.Count == take)
            {
                break;
            }

            found.Add(e.ToScore());
        }

        return found;
    }

    /// <summary>Deletes what was last written for the contact (privacy deletion); absent is fine.</summary>
    public async Task ForgetAsync(string contactId, CancellationToken cancellationToken = default)
    {
        using var response = await _table.DeleteEntityAsync(Partition, contactId, Azure.ETag.All, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Upserts the scores; for a contact given twice the last one wins.</summary>
    public async Task SetManyAsync(IReadOnlyCollection<LastWrittenScore> scores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var entities = scores.Select(s => new LastWrittenScoreEntity
        {
            PartitionKey = Partition,
            RowKey = TableOperations.Key(s.ContactId, nameof(scores)),
            Score = s.Score,
            Priority = s.Priority,
            CloseProbability = s.CloseProbability,
            NextBestAction = s.NextBestAction,
            ModelVersion = s.ModelVersion,
            PropertiesDigest = s.PropertiesDigest,
            WrittenAt = s.WrittenAt,
            HubSpotModifiedAt = s.HubSpotModifiedAt,
        }).ToList();
        await TableOperations.UpsertAllAsync(_table, entities, cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class LastWrittenScoreEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public int Score { get; set; }

    public string Priority { get; set; } = "";

    public int CloseProbability { get; set; }

    public string NextBestAction { get; set; } = "";

    public string ModelVersion { get; set; } = "";

    public string PropertiesDigest { get; set; } = "";

    public DateTimeOffset WrittenAt { get; set; }

    public DateTimeOffset? HubSpotModifiedAt { get; set; }

    public LastWrittenScore ToScore() =>
        new(RowKey, Score, Priority, CloseProbability, NextBestAction, ModelVersion, PropertiesDigest, WrittenAt, HubSpotModifiedAt);
}
