using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace LeadScoring.Core.Storage;

/// <summary>Key rules and bulk operations shared by the table stores.</summary>
internal static class TableOperations
{
    /// <summary>Azure's limit of operations in one entity group transaction.</summary>
    public const int MaxTransactionSize = 100;

    public const int Parallelism = 16;

    private const int MaxKeyLength = 512;

    public static ParallelOptions ParallelOptions(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };

    /// <summary>Rejects what Azure Tables does not allow in a key (/, \, #, ?, control characters), and empty keys.</summary>
    public static string Key(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, paramName);
        if (value.Length > MaxKeyLength || value.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
        {
            throw new ArgumentException($"'{value}' cannot be a table key (no / \\ # ? or control characters, at most {MaxKeyLength} characters).", paramName);
        }

        return value;
    }

    /// <summary>Ticks counted down from <see cref="DateTimeOffset.MaxValue"/>, fixed width, so ascending keys are newest first.</summary>
    public static string InvertedTicks(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    public static DateTimeOffset FromInvertedTicks(string rowKey) =>
        new(DateTimeOffset.MaxValue.UtcTicks - long.Parse(rowKey.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero);

    public static bool IsConflict(RequestFailedException ex) => ex.Status == 409;

    public static bool IsPreconditionFailed(RequestFailedException ex) => ex.Status == 412;

    /// <summary>
    /// Upserts (replace) in transactions of at most <see cref="MaxTransactionSize"/> per partition, several at a time.
    /// A transaction may not touch a row twice, so for a repeated key the last entity wins.
    /// </summary>
    public static async Task UpsertAllAsync<T>(TableClient table, IEnumerable<T> entities, CancellationToken cancellationToken = default)
        where T : class, ITableEntity
    {
        var chunks = entities
            .GroupBy(e => (e.PartitionKey, e.RowKey))
            .Select(g => g.Last())
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(MaxTransactionSize))
            .ToList();

        await Parallel.ForEachAsync(chunks, ParallelOptions(cancellationToken), async (chunk, token) =>
        {
            if (chunk.Length == 1)
            {
                await table.UpsertEntityAsync(chunk[0], TableUpdateMode.Replace, token).ConfigureAwait(false);
            }
            else
            {
                var actions = chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e));
                await table.SubmitTransactionAsync(actions, token).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Azure Tables allows at most 15 comparisons in one filter: the partition key and 14 row keys.</summary>
    private const int RowKeysPerQuery = 14;

    /// <summary>
    /// Which of the keys exist, asked a partition at a time (one query per 14 rows instead of a read per row): the
    /// cheap way to check a batch against a ledger.
    /// </summary>
    public static async Task<HashSet<(string PartitionKey, string RowKey)>> ExistingAsync(
        TableClient table, IEnumerable<(string PartitionKey, string RowKey)> keys, CancellationToken cancellationToken = default)
    {
        var queries = keys
            .Distinct()
            .GroupBy(k => k.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(RowKeysPerQuery).Select(chunk => (Partition: partition.Key, RowKeys: chunk.Select(k => k.RowKey).ToList())))
            .ToList();
        var found = new HashSet<(string, string)>();
        await Parallel.ForEachAsync(queries, ParallelOptions(cancellationToken), async (query, token) =>
        {
            var rows = string.Join(" or ", query.RowKeys.Select(rowKey => TableClient.CreateQueryFilter($"RowKey eq {rowKey}")));
            var filter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {query.Partition}")} and ({rows})";
            await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: token).ConfigureAwait(false))
            {
                lock (found)
                {
                    found.Add((query.Partition, row.RowKey));
                }
            }
        }).ConfigureAwait(false);
        return found;
    }

    /// <summary>Point reads of many rows, several at a time; absent rows are null, in input order.</summary>
    public static async Task<T?[]> GetManyAsync<T>(
        TableClient table, IReadOnlyList<(string PartitionKey, string RowKey)> keys, IEnumerable<string>? select, CancellationToken cancellationToken = default)
        where T : class, ITableEntity
    {
        var found = new T?[keys.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), ParallelOptions(cancellationToken), async (i, token) =>
        {
            var response = await table.GetEntityIfExistsAsync<T>(keys[i].PartitionKey, keys[i].RowKey, select, token).ConfigureAwait(false);
            found[i] = response.HasValue ? response.Value : null;
        }).ConfigureAwait(false);
        return found;
    }
}
