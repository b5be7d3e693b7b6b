using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;

namespace LeadScoring.Core.Training;

/// <summary>
/// Training records in the Azure Table TrainingRecords (PK "records", RK id), and the version each one replaced or
/// was deleted from, for undo (PK "previous", RK the same id; one level). No PII: notes arrive scrubbed.
/// </summary>
public sealed class TrainingRecordStore(LeadScoringStorage storage)
{
    private const string Partition = "records";
    private const string PreviousPartition = "previous";
    private readonly TableClient _table = storage.Table(storage.Names.TrainingRecords);

    /// <summary>Adds the record, or replaces the one with its id.</summary>
    public async Task PutAsync(TrainingRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await _table.UpsertEntityAsync(ToEntity(record, Partition), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TrainingRecord?> GetAsync(string id, CancellationToken cancellationToken = default) => await GetAsync(Partition, id, cancellationToken).ConfigureAwait(false);

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) => await DeleteAsync(Partition, id, cancellationToken).ConfigureAwait(false);

    /// <summary>The version an undo of <paramref name="id"/> restores: the one it replaced, or the one deleted; null when there is none.</summary>
    public async Task<TrainingRecord?> GetPreviousAsync(string id, CancellationToken cancellationToken = default) => await GetAsync(PreviousPartition, id, cancellationToken).ConfigureAwait(false);

    /// <summary>Keeps <paramref name="record"/> as what an undo of its id restores; null forgets it (an undo then deletes).</summary>
    public async Task SetPreviousAsync(string id, TrainingRecord? record, CancellationToken cancellationToken = default)
    {
        if (record is null)
        {
            await DeleteAsync(PreviousPartition, id, cancellationToken).ConfigureAwait(false);
            return;
        }

        await _table.UpsertEntityAsync(ToEntity(record with { Id = id }, PreviousPartition), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every record taken from the contact (more than one only for records stored before one-per-contact), newest first.</summary>
    public async Task<IReadOnlyList<TrainingRecord>> ByContactAsync(string contactId, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and ContactId eq {contactId}");
        var found = new List<TrainingRecord>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            found.Add(FromEntity(entity));
        }

        return [.. found.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    private async Task<TrainingRecord?> GetAsync(string partition, string id, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(partition, id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    private async Task<bool> DeleteAsync(string partition, string id, CancellationToken cancellationToken)
    {
        using var response = await _table.DeleteEntityAsync(partition, id, ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != 404;
    }

    /// <summary>
    /// A page of records, optionally of one classification; pass the returned token to get the next page.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="continuationToken"/> is not one this store handed out (see <see cref="IsContinuationToken"/>).</exception>
    public async Task<TrainingRecordPage> ListAsync(TrainingClassification? classification, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        string? tableToken = null;
        if (continuationToken is not null && !TryOpen(continuationToken, out tableToken))
        {
            throw new ArgumentException("is not a continuation token from a previous page", nameof(continuationToken));
        }

        var filter = classification is { } c
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Classification eq {c.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(tableToken, pageSize).ConfigureAwait(false))
        {
            return new TrainingRecordPage([.. page.Values.Select(FromEntity)], page.ContinuationToken is { } next ? Seal(next) : null);
        }

        return new TrainingRecordPage([], null);
    }

    /// <summary>
    /// Whether <paramref name="token"/> is a token <see cref="ListAsync"/> returned. The table's own token (next
    /// partition and row key) is wrapped with a check digest, so garbage or a truncated copy is refused as such rather
    /// than read as "start after this key" and answered with an empty page. Not a secret: it only pages through
    /// records the caller may list anyway.
    /// </summary>
    public static bool IsContinuationToken(string token) => TryOpen(token, out _);

    private const string TokenPrefix = "t1.";

    private static string Seal(string tableToken)
    {
        var raw = System.Text.Encoding.UTF8.GetBytes(tableToken);
        return TokenPrefix + Base64Url(raw) + "." + Base64Url(Digest(raw));
    }

    private static bool TryOpen(string token, out string? tableToken)
    {
        tableToken = null;
        if (token.Length is 0 or > 2048 || !token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = token[TokenPrefix.Length..].Split('.');
        if (parts.Length != 2 || FromBase64Url(parts[0]) is not { Length: > 0 } raw || FromBase64Url(parts[1]) is not { } digest
            || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(digest, Digest(raw)))
        {
            return false;
        }

        tableToken = System.Text.Encoding.UTF8.GetString(raw);
        return true;
    }

    private static byte[] Digest(byte[] raw) => System.Security.Cryptography.SHA256.HashData(raw)[..12];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        var buffer = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>Every record (for re-embedding and training); streams so memory stays flat.</summary>
    public async IAsyncEnumerable<TrainingRecord> AllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(entity);
        }
    }

    private static TableEntity ToEntity(TrainingRecord r, string partition) => new(partition, r.Id)
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
