using System.IO.Compression;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using LeadScoring.Core.HubSpot;

namespace LeadScoring.Core.Storage;

/// <summary>A lead as it was last gathered from HubSpot, and when.</summary>
public sealed record GatheredLeadSnapshot(HubSpotLeadRecord Record, DateTimeOffset GatheredAt);

/// <summary>One page of snapshots and where the next one starts (null: the last page).</summary>
public sealed record GatheredLeadSnapshotPage(IReadOnlyList<GatheredLeadSnapshot> Snapshots, string? Continuation);

/// <summary>
/// What each lead was last scored from (PK "contacts", RK contactId): the allow-listed HubSpot record — properties
/// the reader requested, never names, emails or bodies — as gzip JSON split over binary properties of at most 64 KB
/// (Azure Tables' property limit). The decay pass rescores leads from these without reading HubSpot.
/// </summary>
public sealed class LeadSnapshotStore(LeadScoringStorage storage)
{
    internal const string Partition = "contacts";

    /// <summary>Azure Tables: a binary property holds 64 KiB; an entity 1 MiB, so at most 15 parts beside the keys.</summary>
    internal const int PartBytes = 64 * 1024;

    internal const int MaxParts = 15;

    /// <summary>A transaction's body may not exceed 4 MiB: snapshots are grouped well below it.</summary>
    private const int TransactionBytes = 3 * 1024 * 1024;

    private readonly TableClient _table = storage.Table(storage.Names.LeadSnapshots);

    /// <summary>Stores each lead's record (replacing the previous one). A record too large even compressed is refused by name.</summary>
    public async Task SetManyAsync(IReadOnlyCollection<GatheredLeadSnapshot> snapshots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var entities = snapshots
            .GroupBy(s => s.Record.Contact.Id, StringComparer.Ordinal)
            .Select(g => ToEntity(g.Last()))
            .ToList();

        var transactions = new List<List<(TableEntity Entity, int Bytes)>>();
        foreach (var entity in entities)
        {
            if (transactions.Count == 0 || transactions[^1].Count == TableOperations.MaxTransactionSize || transactions[^1].Sum(e => e.Bytes) + entity.Bytes > TransactionBytes)
            {
                transactions.Add([]);
            }

            transactions[^1].Add(entity);
        }

        await Parallel.ForEachAsync(transactions, TableOperations.ParallelOptions(cancellationToken), async (chunk, token) =>
        {
            if (chunk.Count == 1)
            {
                await _table.UpsertEntityAsync(chunk[0].Entity, TableUpdateMode.Replace, token).ConfigureAwait(false);
            }
            else
            {
                await _table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e.Entity)), token).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>The lead's snapshot, or null when it has none.</summary>
    public async Task<GatheredLeadSnapshot?> GetAsync(string contactId, CancellationToken cancellationToken = default)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, TableOperations.Key(contactId, nameof(contactId)), cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    /// <summary>Up to <paramref name="take"/> snapshots from <paramref name="continuation"/> (null: the first page).</summary>
    public async Task<GatheredLeadSnapshotPage> PageAsync(string? continuation, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, 1000);
        var pages = _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), maxPerPage: take, cancellationToken: cancellationToken)
            .AsPages(continuation, take);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            return new GatheredLeadSnapshotPage([.. page.Values.Select(FromEntity)], page.ContinuationToken);
        }

        return new GatheredLeadSnapshotPage([], null);
    }

    /// <summary>Deletes the lead's snapshot (privacy deletion); absent is fine.</summary>
    public async Task ForgetAsync(string contactId, CancellationToken cancellationToken = default)
    {
        using var response = await _table.DeleteEntityAsync(Partition, TableOperations.Key(contactId, nameof(contactId)), ETag.All, cancellationToken).ConfigureAwait(false);
    }

    private static (TableEntity Entity, int Bytes) ToEntity(GatheredLeadSnapshot snapshot)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(snapshot.Record, HubSpotJsonContext.Default.HubSpotLeadRecord);
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        var bytes = compressed.ToArray();
        var parts = (bytes.Length + PartBytes - 1) / PartBytes;
        if (parts > MaxParts)
        {
            throw new ArgumentException(
                $"The snapshot of contact {snapshot.Record.Contact.Id} is {bytes.Length} bytes compressed; at most {MaxParts * PartBytes} fit in one table row.", nameof(snapshot));
        }

        var entity = new TableEntity(Partition, TableOperations.Key(snapshot.Record.Contact.Id, nameof(snapshot)))
        {
            ["GatheredAt"] = snapshot.GatheredAt,
            ["Parts"] = parts,
        };
        for (var i = 0; i < parts; i++)
        {
            entity[$"Part{i}"] = bytes.AsSpan(i * PartBytes, Math.Min(PartBytes, bytes.Length - (i * PartBytes))).ToArray();
        }

        return (entity, bytes.Length + 256);
    }

    private static GatheredLeadSnapshot FromEntity(TableEntity entity)
    {
        var parts = entity.GetInt32("Parts") ?? 0;
        using var compressed = new MemoryStream();
        for (var i = 0; i < parts; i++)
        {
            compressed.Write(entity.GetBinary($"Part{i}"));
        }

        compressed.Position = 0;
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        var record = JsonSerializer.Deserialize(gzip, HubSpotJsonContext.Default.HubSpotLeadRecord)
            ?? throw new InvalidDataException($"The snapshot of contact {entity.RowKey} is empty.");
        return new GatheredLeadSnapshot(record, entity.GetDateTimeOffset("GatheredAt") ?? DateTimeOffset.MinValue);
    }
}
