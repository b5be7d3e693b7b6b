using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;

namespace LeadScoring.Core.Training;

/// <summary>Training records in the Azure Table TrainingRecords (PK "records", RK id). No PII: notes arrive scrubbed.</summary>
public sealed class TrainingRecordStore(LeadScoringStorage storage)
{
    private const string Partition = "records";
    private readonly TableClient _table = storage.Table(storage.Names.TrainingRecords);

    public async Task AddAsync(TrainingRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await _table.AddEntityAsync(ToEntity(record), cancellationToken).ConfigureAwait(false);
    }

    public async Task<TrainingRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await _table.DeleteEntityAsync(Partition, id, ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != 404;
    }

    /// <summary>A page of records, optionally of one classification; pass the returned token to get the next page.</summary>
    public async Task<TrainingRecordPage> ListAsync(TrainingClassification? classification, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        var filter = classification is { } c
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Classification eq {c.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(continuationToken, pageSize).ConfigureAwait(false))
        {
            return new TrainingRecordPage([.. page.Values.Select(FromEntity)], page.ContinuationToken);
        }

        return new TrainingRecordPage([], null);
    }

    /// <summary>Every record (for re-embedding and training); streams so memory stays flat.</summary>
    public async IAsyncEnumerable<TrainingRecord> AllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(entity);
        }
    }

    private static TableEntity ToEntity(TrainingRecord r) => new(Partition, r.Id)
    {
        ["ContactId"] = r.ContactId,
        ["Classification"] = r.Classification.ToString(),
        ["Score"] = r.Score,
        ["Attributes"] = string.Join(';', r.Attributes),
        ["Notes"] = r.Notes,
        ["FeaturesJson"] = JsonSerializer.Serialize(r.Features, ScoringJsonContext.Default.LeadFeatures),
        ["CreatedAt"] = r.CreatedAt,
        ["CreatedBy"] = r.CreatedBy,
    };

    private static TrainingRecord FromEntity(TableEntity e) => new()
    {
        Id = e.RowKey,
        ContactId = e.GetString("ContactId"),
        Classification = Enum.Parse<TrainingClassification>(e.GetString("Classification")),
        Score = e.GetInt32("Score") ?? 0,
        Attributes = (e.GetString("Attributes") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries),
        Notes = e.GetString("Notes"),
        Features = JsonSerializer.Deserialize(e.GetString("FeaturesJson") ?? "{}", ScoringJsonContext.Default.LeadFeatures) ?? new LeadFeatures(),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        CreatedBy = e.GetString("CreatedBy") ?? "",
    };
}
