using System.Numerics.Tensors;
using Azure;
using Azure.Data.Tables;
using LeadScoring.Core.Storage;

namespace LeadScoring.Core.Training.Similarity;

/// <summary>
/// The default <see cref="IVectorIndex"/>: exact cosine search over an in-memory matrix per embedder version, persisted
/// to the Azure Table TrainingVectors (PK "vectors", RK id) when built with storage. Call <see cref="LoadAsync"/> at start-up.
/// </summary>
/// <remarks>
/// Rows are stored L2-normalised, so cosine is one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
/// per row, and the best k are kept in a k-sized min-heap while scanning. Concurrent searches share a read lock;
/// writes go to the table first and then take the write lock only for the in-memory change, one write at a time, so the
/// table and the memory agree on the last writer. 50,000 rows of 256 floats are 51 MB, which one core of a 2-core VM scans in about
/// 2.5 ms; the scan is bound by memory bandwidth, so slicing it over cores (<see cref="SearchParallelism"/>) is off by default.
/// </remarks>
public sealed partial class EmbeddedVectorIndex : IVectorIndex, IDisposable
{
    internal const string Partition = "vectors";

    /// <summary>Azure Tables keeps at most 64 KiB in a binary property: 16,384 floats.</summary>
    public const int MaxDimensions = 16_384;

    private const int Ideal = 0;
    private const int LessIdeal = 1;
    private const int AnyClassification = -1;

    private readonly TableClient? _table;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Dictionary<string, Segment> _byVersion = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Segment> _byId = new(StringComparer.Ordinal);

    /// <param name="currentEmbedderVersion">The version searches and counts use by default, e.g. <see cref="HashingEmbeddingGenerator.Version"/>.</param>
    /// <param name="storage">Where to persist; without it the index lives in memory only.</param>
    public EmbeddedVectorIndex(string currentEmbedderVersion, LeadScoringStorage? storage = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(currentEmbedderVersion);
        CurrentEmbedderVersion = currentEmbedderVersion;
        _table = storage?.Table(storage.Names.TrainingVectors);
    }

    public string CurrentEmbedderVersion { get; }

    /// <summary>Slices a search of at least <see cref="ParallelRows"/> rows is split into, scanned in parallel (default 1: not split).</summary>
    public int SearchParallelism
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 1;

    /// <summary>Below this many rows a search runs on the calling thread alone: starting tasks would cost more than it saves.</summary>
    public int ParallelRows { get; init; } = 16_384;

    /// <summary>Replaces what is in memory with every row of the table; returns how many were loaded.</summary>
    public async Task<int> LoadAsync(CancellationToken cancellationToken = default)
    {
        var table = _table ?? throw new InvalidOperationException("This index was built without storage, so there is nothing to load.");
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rows = new List<Row>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
            await foreach (var entity in table.QueryAsync<TrainingVectorEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                rows.Add(FromEntity(entity));
            }

            CheckDimensions(rows, againstHeld: false);
            _lock.EnterWriteLock();
            try
            {
                _byVersion.Clear();
                _byId.Clear();
                Apply(rows);
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            return rows.Count;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task UpsertAsync(VectorRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertManyAsync([record], cancellationToken);
    }

    public async Task UpsertManyAsync(IReadOnlyCollection<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var rows = records.Select(Prepare).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CheckDimensions(rows, againstHeld: true);
            if (_table is not null)
            {
                await TableOperations.UpsertAllAsync(_table, rows.Select(ToEntity), cancellationToken).ConfigureAwait(false);
            }

            _lock.EnterWriteLock();
            try
            {
                Apply(rows);
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        TableOperations.Key(id, nameof(id));
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deletedRow = false;
            if (_table is not null)
            {
                using var response = await _table.DeleteEntityAsync(Partition, id, ETag.All, cancellationToken).ConfigureAwait(false);
                deletedRow = response.Status != 404;
            }

            _lock.EnterWriteLock();
            try
            {
                return Remove(id) | deletedRow;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorFilter? filter = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Search(query, k, filter));
    }

    /// <summary>The synchronous <see cref="SearchAsync"/>: the search never waits on I/O.</summary>
    public IReadOnlyList<VectorMatch> Search(ReadOnlyMemory<float> query, int k, VectorFilter? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var queryNorm = TensorPrimitives.Norm(query.Span);
        if (!(queryNorm > 0) || !float.IsFinite(queryNorm))
        {
            throw new ArgumentException("A query must be a non-zero vector of finite numbers.", nameof(query));
        }

        if (!TryClassification(filter?.Classification, out var classification))
        {
            return [];
        }

        _lock.EnterReadLock();
        try
        {
            if (!_byVersion.TryGetValue(filter?.EmbedderVersion ?? CurrentEmbedderVersion, out var segment))
            {
                return [];
            }

            if (query.Length != segment.Dimensions)
            {
                throw new ArgumentException($"The query has {query.Length} dimensions; '{segment.Version}' vectors have {segment.Dimensions}.", nameof(query));
            }

            return segment.Search(query, queryNorm, k, classification, filter?.ExcludeId, segment.Count >= ParallelRows ? SearchParallelism : 1);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public Task<int> CountAsync(VectorFilter? filter = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!TryClassification(filter?.Classification, out var classification))
        {
            return Task.FromResult(0);
        }

        _lock.EnterReadLock();
        try
        {
            return Task.FromResult(
                !_byVersion.TryGetValue(filter?.EmbedderVersion ?? CurrentEmbedderVersion, out var segment) ? 0
                : classification == AnyClassification ? segment.Count
                : segment.ClassificationCounts[classification]);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public Task<IReadOnlyList<string>> StaleIdsAsync(string currentVersion, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(currentVersion);
        cancellationToken.ThrowIfCancellationRequested();
        _lock.EnterReadLock();
        try
        {
            var stale = _byVersion.Values
                .Where(s => !string.Equals(s.Version, currentVersion, StringComparison.Ordinal))
                .SelectMany(s => s.Ids.Take(s.Count))
                .Order(StringComparer.Ordinal)
                .ToList();
            return Task.FromResult<IReadOnlyList<string>>(stale);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void Dispose()
    {
        _lock.Dispose();
        _writeGate.Dispose();
    }

    private static Row Prepare(VectorRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        TableOperations.Key(record.Id, nameof(record));
        ArgumentException.ThrowIfNullOrWhiteSpace(record.EmbedderVersion, nameof(record));
        if (!TryClassification(record.Classification, out var classification) || classification == AnyClassification)
        {
            throw new ArgumentException($"Record '{record.Id}': the classification must be Ideal or LessIdeal (was '{record.Classification}').", nameof(record));
        }

        if (record.Score is < 0 or > 100)
        {
            throw new ArgumentException($"Record '{record.Id}': the score must be 0–100 (was {record.Score}).", nameof(record));
        }

        var vector = record.Vector.Span;
        if (vector.Length is 0 or > MaxDimensions)
        {
            throw new ArgumentException($"Record '{record.Id}': a vector has 1–{MaxDimensions} dimensions (had {vector.Length}).", nameof(record));
        }

        var norm = TensorPrimitives.Norm(vector);
        if (!(norm > 0) || !float.IsFinite(norm))
        {
            throw new ArgumentException($"Record '{record.Id}': the vector must be non-zero and finite.", nameof(record));
        }

        var normalised = new float[vector.Length];
        TensorPrimitives.Divide(vector, norm, normalised);
        return new Row(record.Id, normalised, (byte)classification, (byte)record.Score, record.EmbedderVersion);
    }

    private static bool TryClassification(string? name, out int classification)
    {
        classification = name switch
        {
            null => AnyClassification,
            nameof(TrainingClassification.Ideal) => Ideal,
            nameof(TrainingClassification.LessIdeal) => LessIdeal,
            _ => int.MinValue,
        };
        return classification != int.MinValue;
    }

    private static string ClassificationName(int classification) =>
        classification == Ideal ? nameof(TrainingClassification.Ideal) : nameof(TrainingClassification.LessIdeal);

    /// <summary>Every vector of one version has the same length: in this batch, and (when held) as those already held.</summary>
    private void CheckDimensions(List<Row> rows, bool againstHeld)
    {
        var dimensions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var expected = dimensions.TryGetValue(row.Version, out var seen) ? seen
                : againstHeld && _byVersion.TryGetValue(row.Version, out var segment) ? segment.Dimensions
                : row.Vector.Length;
            if (row.Vector.Length != expected)
            {
                throw new ArgumentException($"Record '{row.Id}' has {row.Vector.Length} dimensions; '{row.Version}' vectors have {expected}.", nameof(rows));
            }

            dimensions[row.Version] = expected;
        }
    }

    private void Apply(List<Row> rows)
    {
        foreach (var row in rows)
        {
            // A re-embedded record moves to its new version's segment.
            if (_byId.TryGetValue(row.Id, out var current) && !string.Equals(current.Version, row.Version, StringComparison.Ordinal))
            {
                Remove(row.Id);
            }

            if (!_byVersion.TryGetValue(row.Version, out var segment))
            {
                segment = new Segment(row.Version, row.Vector.Length);
                _byVersion.Add(row.Version, segment);
            }

            segment.Set(row);
            _byId[row.Id] = segment;
        }
    }

    private bool Remove(string id)
    {
        if (!_byId.Remove(id, out var segment))
        {
            return false;
        }

        segment.Remove(id);
        if (segment.Count == 0)
        {
            _byVersion.Remove(segment.Version);
        }

        return true;
    }

    private sealed record Row(string Id, float[] Vector, byte Classification, byte Score, string Version);
}
