using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json.Serialization;
using Azure;
using Azure.Search.Documents;
using Azure.Search.Documents.Indexes;
using Azure.Search.Documents.Indexes.Models;
using Azure.Search.Documents.Models;
using LeadScoring.Core.Training.Similarity;

namespace LeadScoring.Core.Training.AzureSearch;

/// <summary>
/// <see cref="IVectorIndex"/> on Azure AI Search (REST api-version 2023-11-01 through Azure.Search.Documents 11.5): one
/// document per training record, with an HNSW/cosine vector field and filterable classification, score and embedder
/// version. The index is created on first use when absent (<see cref="EnsureIndexAsync"/>), never changed when present.
/// </summary>
/// <remarks>
/// <para>Azure reports a cosine match as <c>@search.score = 1 / (1 + cosine distance) = 1 / (2 − cosine)</c>, in 0.333–1
/// ("Scores in a vector search results", learn.microsoft.com/azure/search/vector-search-ranking);
/// <see cref="CosineFromScore"/> turns it back into the cosine the interface promises.</para>
/// <para>One vector field has one length, so every embedder version in an index must make vectors of
/// <see cref="Dimensions"/>; an embedder of another length needs another index (AZURE_SEARCH_INDEX).</para>
/// <para>Writes are not transactional: a failure part-way through <see cref="UpsertManyAsync"/> leaves the earlier batches
/// written (upserts are idempotent, so the caller retries the whole call). HTTP failures surface as
/// <see cref="RequestFailedException"/> with the service's status and message; the caller decides whether to retry.</para>
/// </remarks>
internal sealed class AzureSearchVectorIndex : IVectorIndex, IDisposable
{
    public const string IdField = "id";
    public const string VectorField = "vector";
    public const string ClassificationField = "classification";
    public const string ScoreField = "score";
    public const string EmbedderVersionField = "embedderVersion";
    public const string VectorProfileName = "training-vector-profile";
    public const string HnswAlgorithmName = "training-hnsw";

    /// <summary>The most documents Azure AI Search takes in one indexing request.</summary>
    public const int MaxBatchSize = 1000;

    /// <summary>The longest vector field api-version 2023-11-01 allows.</summary>
    public const int MaxDimensions = 3072;

    /// <summary>A document key is at most 1024 characters.</summary>
    public const int MaxKeyLength = 1024;

    /// <summary>Indexing requests are kept well under the service's 16 MB request limit.</summary>
    private const int MaxBatchBytes = 8 * 1024 * 1024;

    /// <summary>A float written as JSON text, at most (e.g. <c>-0.123456789,</c>), plus each document's other fields.</summary>
    private const int BytesPerFloat = 16;
    private const int BytesPerDocument = 256;

    private const int StalePageSize = 1000;

    private static readonly string[] MatchFields = [IdField, ClassificationField, ScoreField];

    private readonly SearchIndexClient _indexClient;
    private readonly SearchClient _searchClient;
    private readonly SemaphoreSlim _ensureGate = new(1, 1);
    private volatile bool _ensured;

    /// <param name="indexClient">A client for the service (its options carry retries and any extra pipeline policies).</param>
    /// <param name="dimensions">The vector field's length: the embedder's vector length.</param>
    /// <param name="currentEmbedderVersion">The version searches and counts use by default.</param>
    public AzureSearchVectorIndex(SearchIndexClient indexClient, string indexName, int dimensions, string currentEmbedderVersion)
    {
        ArgumentNullException.ThrowIfNull(indexClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(currentEmbedderVersion);
        if (!AzureSearchOptions.IsValidIndexName(indexName))
        {
            throw new ArgumentException($"'{indexName}' is not an Azure AI Search index name (lower-case letters, digits and single dashes).", nameof(indexName));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, MaxDimensions);
        _indexClient = indexClient;
        _searchClient = indexClient.GetSearchClient(indexName);
        IndexName = indexName;
        Dimensions = dimensions;
        CurrentEmbedderVersion = currentEmbedderVersion;
    }

    /// <summary>Built from validated settings; throws <see cref="InputValidationException"/> naming each bad setting.</summary>
    public static AzureSearchVectorIndex Create(AzureSearchOptions options, string currentEmbedderVersion, SearchClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new AzureSearchVectorIndex(options.CreateIndexClient(clientOptions), options.IndexName, options.Dimensions, currentEmbedderVersion);
    }

    public string IndexName { get; }

    public int Dimensions { get; }

    public string CurrentEmbedderVersion { get; }

    /// <summary>Asks the service for exact (exhaustive) k-nearest neighbours instead of the HNSW approximation. Default false.</summary>
    public bool Exhaustive { get; init; }

    /// <summary>
    /// Creates the index when the service has none of that name; leaves an existing one unchanged, after checking that its
    /// vector field has <see cref="Dimensions"/> and the filtered fields are filterable. Returns true when it created the index.
    /// Every other operation calls this once before its first request.
    /// </summary>
    public Task<bool> EnsureIndexAsync(CancellationToken cancellationToken = default) => EnsureAsync(onlyOnce: false, cancellationToken);

    private async Task<bool> EnsureAsync(bool onlyOnce, CancellationToken cancellationToken)
    {
        await _ensureGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (onlyOnce && _ensured)
            {
                return false;
            }

            var created = false;
            SearchIndex? existing = null;
            try
            {
                existing = (await _indexClient.GetIndexAsync(IndexName, cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
            }

            if (existing is null)
            {
                await _indexClient.CreateOrUpdateIndexAsync(BuildIndex(IndexName, Dimensions), allowIndexDowntime: false, onlyIfUnchanged: false, cancellationToken).ConfigureAwait(false);
                created = true;
            }
            else
            {
                CheckExisting(existing);
            }

            _ensured = true;
            return created;
        }
        finally
        {
            _ensureGate.Release();
        }
    }

    /// <summary>The index this adapter creates: key id; vector (HNSW, cosine); filterable classification, score and embedderVersion.</summary>
    public static SearchIndex BuildIndex(string indexName, int dimensions) =>
        new(indexName)
        {
            Fields =
            {
                new SearchField(IdField, SearchFieldDataType.String) { IsKey = true, IsFilterable = true, IsSortable = true },
                new SearchField(VectorField, SearchFieldDataType.Collection(SearchFieldDataType.Single))
                {
                    IsSearchable = true,
                    IsHidden = true,
                    VectorSearchDimensions = dimensions,
                    VectorSearchProfileName = VectorProfileName,
                },
                new SearchField(ClassificationField, SearchFieldDataType.String) { IsFilterable = true, IsFacetable = true },
                new SearchField(ScoreField, SearchFieldDataType.Int32) { IsFilterable = true, IsSortable = true },
                new SearchField(EmbedderVersionField, SearchFieldDataType.String) { IsFilterable = true, IsFacetable = true },
            },
            VectorSearch = new VectorSearch
            {
                Algorithms =
                {
                    // The service's defaults, written out so the definition says what it gets.
                    new HnswAlgorithmConfiguration(HnswAlgorithmName)
                    {
                        Parameters = new HnswParameters { Metric = VectorSearchAlgorithmMetric.Cosine, M = 4, EfConstruction = 400, EfSearch = 500 },
                    },
                },
                Profiles = { new VectorSearchProfile(VectorProfileName, HnswAlgorithmName) },
            },
        };

    public Task UpsertAsync(VectorRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertManyAsync([record], cancellationToken);
    }

    public async Task UpsertManyAsync(IReadOnlyCollection<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var byId = new Dictionary<string, VectorDocument>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var document = Prepare(record);
            byId.Remove(document.Id);
            byId.Add(document.Id, document); // The last one wins, in the order last given.
        }

        if (byId.Count == 0)
        {
            return;
        }

        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var batchSize = BatchSize(Dimensions);
        foreach (var batch in byId.Values.Chunk(batchSize))
        {
            var response = await _searchClient.IndexDocumentsAsync(
                IndexDocumentsBatch.MergeOrUpload(batch), new IndexDocumentsOptions { ThrowOnAnyError = false }, cancellationToken).ConfigureAwait(false);
            ThrowOnFailures(response.Value, batch.Length);
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        CheckKey(id, nameof(id));
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);

        // The service acknowledges deleting a key it does not have, so ask first whether there is one.
        try
        {
            await _searchClient.GetDocumentAsync<SearchDocument>(id, new GetDocumentOptions { SelectedFields = { IdField } }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }

        var response = await _searchClient.IndexDocumentsAsync(
            IndexDocumentsBatch.Delete(IdField, [id]), new IndexDocumentsOptions { ThrowOnAnyError = false }, cancellationToken).ConfigureAwait(false);
        ThrowOnFailures(response.Value, 1);
        return true;
    }

    public async Task<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var norm = TensorPrimitives.Norm(query.Span);
        if (!(norm > 0) || !float.IsFinite(norm))
        {
            throw new ArgumentException("A query must be a non-zero vector of finite numbers.", nameof(query));
        }

        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} dimensions; index '{IndexName}' holds vectors of {Dimensions}.", nameof(query));
        }

        if (!TryFilter(filter, out var odataFilter))
        {
            return [];
        }

        if (filter?.ExcludeId is { } excluded)
        {
            odataFilter += $" and {IdField} ne {Literal(excluded)}";
        }

        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var vectorQuery = new VectorizedQuery(query.ToArray()) { KNearestNeighborsCount = k, Fields = { VectorField } };
        if (Exhaustive)
        {
            vectorQuery.Exhaustive = true;
        }

        var options = new SearchOptions
        {
            Filter = odataFilter,
            Size = k,
            VectorSearch = new VectorSearchOptions { Queries = { vectorQuery }, FilterMode = VectorFilterMode.PreFilter },
        };
        foreach (var field in MatchFields)
        {
            options.Select.Add(field);
        }

        var response = await _searchClient.SearchAsync<VectorDocument>(null, options, cancellationToken).ConfigureAwait(false);
        var matches = new List<VectorMatch>(k);
        await foreach (var result in response.Value.GetResultsAsync().ConfigureAwait(false))
        {
            var score = result.Score ?? throw new InvalidDataException($"Azure AI Search returned '{result.Document.Id}' without a @search.score.");
            matches.Add(new VectorMatch(result.Document.Id, result.Document.Classification, result.Document.Score, CosineFromScore(score)));
        }

        // The service orders by score already; ties (and float noise) are settled by id, as the embedded index does.
        return [.. matches.OrderByDescending(m => m.Similarity).ThenBy(m => m.Id, StringComparer.Ordinal).Take(k)];
    }

    public async Task<int> CountAsync(VectorFilter? filter = null, CancellationToken cancellationToken = default)
    {
        if (!TryFilter(filter, out var odataFilter))
        {
            return 0;
        }

        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var options = new SearchOptions { Filter = odataFilter, Size = 0, IncludeTotalCount = true };
        var response = await _searchClient.SearchAsync<SearchDocument>("*", options, cancellationToken).ConfigureAwait(false);
        var count = response.Value.TotalCount ?? throw new InvalidDataException("Azure AI Search answered a count request without @odata.count.");
        return checked((int)count);
    }

    public async Task<IReadOnlyList<string>> StaleIdsAsync(string currentVersion, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(currentVersion);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var stale = new List<string>();
        string? after = null;
        while (true)
        {
            // Keyset paging on the sortable key: $skip stops at 100,000, this does not.
            var filter = $"{EmbedderVersionField} ne {Literal(currentVersion)}" + (after is null ? "" : $" and {IdField} gt {Literal(after)}");
            var options = new SearchOptions { Filter = filter, Size = StalePageSize, OrderBy = { $"{IdField} asc" }, Select = { IdField } };
            var response = await _searchClient.SearchAsync<SearchDocument>("*", options, cancellationToken).ConfigureAwait(false);
            var page = 0;
            await foreach (var result in response.Value.GetResultsAsync().ConfigureAwait(false))
            {
                var id = result.Document.GetString(IdField);
                stale.Add(id);
                after = id;
                page++;
            }

            if (page < StalePageSize)
            {
                break;
            }
        }

        stale.Sort(StringComparer.Ordinal);
        return stale;
    }

    public void Dispose() => _ensureGate.Dispose();

    /// <summary>Cosine similarity from a cosine-metric <c>@search.score</c>: score = 1 / (2 − cosine), so cosine = 2 − 1 / score.</summary>
    public static double CosineFromScore(double score) => score > 0 ? Math.Clamp(2 - (1 / score), -1, 1) : -1;

    /// <summary>The <c>@search.score</c> Azure gives a match of this cosine similarity: 1 / (1 + (1 − cosine)).</summary>
    public static double ScoreFromCosine(double cosine) => 1 / (2 - cosine);

    /// <summary>An OData string literal: in single quotes, with each single quote doubled.</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>The OData filter of a search or count; false when nothing can match (an unknown classification).</summary>
    internal bool TryFilter(VectorFilter? filter, out string odataFilter)
    {
        var classification = filter?.Classification;
        odataFilter = "";
        if (classification is not null && !IsClassification(classification))
        {
            return false;
        }

        var builder = new StringBuilder($"{EmbedderVersionField} eq {Literal(filter?.EmbedderVersion ?? CurrentEmbedderVersion)}");
        if (classification is not null)
        {
            builder.Append(CultureInfo.InvariantCulture, $" and {ClassificationField} eq {Literal(classification)}");
        }

        odataFilter = builder.ToString();
        return true;
    }

    /// <summary>Documents per indexing request: at most <see cref="MaxBatchSize"/>, fewer for long vectors.</summary>
    internal static int BatchSize(int dimensions) =>
        Math.Clamp(MaxBatchBytes / ((dimensions * BytesPerFloat) + BytesPerDocument), 1, MaxBatchSize);

    private async Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (!_ensured)
        {
            await EnsureAsync(onlyOnce: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private void CheckExisting(SearchIndex index)
    {
        var fields = index.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        if (!fields.TryGetValue(VectorField, out var vector) || vector.VectorSearchDimensions is null)
        {
            problems.Add($"it has no vector field '{VectorField}'");
        }
        else if (vector.VectorSearchDimensions != Dimensions)
        {
            problems.Add($"its '{VectorField}' field holds {vector.VectorSearchDimensions} dimensions, the embedder makes {Dimensions}");
        }

        if (!fields.TryGetValue(IdField, out var key) || key.IsKey != true)
        {
            problems.Add($"'{IdField}' is not its key");
        }

        foreach (var name in new[] { ClassificationField, ScoreField, EmbedderVersionField })
        {
            if (!fields.TryGetValue(name, out var field) || field.IsFilterable != true)
            {
                problems.Add($"it has no filterable '{name}' field");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"Azure AI Search index '{IndexName}' exists but does not fit the training vectors: {string.Join("; ", problems)}. "
                + $"Point {AzureSearchOptions.IndexNameName} at another index, or delete this one so it is created anew.");
        }
    }

    private VectorDocument Prepare(VectorRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        CheckKey(record.Id, nameof(record));
        ArgumentException.ThrowIfNullOrWhiteSpace(record.EmbedderVersion, nameof(record));
        if (!IsClassification(record.Classification))
        {
            throw new ArgumentException($"Record '{record.Id}': the classification must be Ideal or LessIdeal (was '{record.Classification}').", nameof(record));
        }

        if (record.Score is < 0 or > 100)
        {
            throw new ArgumentException($"Record '{record.Id}': the score must be 0–100 (was {record.Score}).", nameof(record));
        }

        var vector = record.Vector.Span;
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"Record '{record.Id}' has {vector.Length} dimensions; index '{IndexName}' holds vectors of {Dimensions}.", nameof(record));
        }

        var norm = TensorPrimitives.Norm(vector);
        if (!(norm > 0) || !float.IsFinite(norm))
        {
            throw new ArgumentException($"Record '{record.Id}': the vector must be non-zero and finite.", nameof(record));
        }

        // Stored unit-length, like the embedded index: cosine does not care, and the stored vectors compare as they are.
        var normalised = new float[vector.Length];
        TensorPrimitives.Divide(vector, norm, normalised);
        return new VectorDocument
        {
            Id = record.Id,
            Vector = normalised,
            Classification = record.Classification,
            Score = record.Score,
            EmbedderVersion = record.EmbedderVersion,
        };
    }

    private static bool IsClassification(string? name) =>
        name is nameof(TrainingClassification.Ideal) or nameof(TrainingClassification.LessIdeal);

    /// <summary>Azure AI Search keys: 1–1024 letters, digits, '_', '-' or '='.</summary>
    private static void CheckKey(string id, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id, paramName);
        if (id.Length > MaxKeyLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '='))
        {
            throw new ArgumentException($"'{id}' cannot be an Azure AI Search document key (letters, digits, '_', '-' and '=' only, at most {MaxKeyLength} characters).", paramName);
        }
    }

    private static void ThrowOnFailures(IndexDocumentsResult result, int sent)
    {
        var failed = result.Results.Where(r => !r.Succeeded).ToList();
        if (failed.Count == 0)
        {
            return;
        }

        var detail = string.Join("; ", failed.Take(5).Select(r => $"'{r.Key}': {r.Status} {r.ErrorMessage}"));
        throw new RequestFailedException(failed[0].Status, $"Azure AI Search rejected {failed.Count} of {sent} documents: {detail}{(failed.Count > 5 ? "; …" : "")}");
    }

    /// <summary>One training record as an index document.</summary>
    internal sealed class VectorDocument
    {
        [JsonPropertyName(IdField)]
        public string Id { get; set; } = "";

        [JsonPropertyName(VectorField)]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public float[]? Vector { get; set; }

        [JsonPropertyName(ClassificationField)]
        public string Classification { get; set; } = "";

        [JsonPropertyName(ScoreField)]
        public int Score { get; set; }

        [JsonPropertyName(EmbedderVersionField)]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? EmbedderVersion { get; set; }
    }
}
