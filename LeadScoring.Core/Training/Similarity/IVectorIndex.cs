namespace LeadScoring.Core.Training.Similarity;

/// <summary>
/// Embeddings of training records, searchable by cosine similarity. Vectors of different embedder versions live in
/// different spaces and are never compared: a search or count without a version means the index's current one.
/// </summary>
public interface IVectorIndex
{
    /// <summary>Adds the record, or replaces the one with its id (whatever that one's version).</summary>
    Task UpsertAsync(VectorRecord record, CancellationToken cancellationToken = default);

    /// <summary>Upserts all; for an id given twice the last one wins. Validates every record before writing any.</summary>
    Task UpsertManyAsync(IReadOnlyCollection<VectorRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Removes the record; false if there was none.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// The (at most) <paramref name="k"/> records most similar to <paramref name="query"/>, most similar first. The query
    /// need not be normalised and must have the dimensions of the version searched.
    /// </summary>
    Task<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorFilter? filter = null, CancellationToken cancellationToken = default);

    Task<int> CountAsync(VectorFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Ids of the records whose embedder version is not <paramref name="currentVersion"/> (to re-embed), in ordinal order.</summary>
    Task<IReadOnlyList<string>> StaleIdsAsync(string currentVersion, CancellationToken cancellationToken = default);
}

/// <summary>One training record's embedding.</summary>
/// <param name="Classification"><c>Ideal</c> or <c>LessIdeal</c> (<see cref="TrainingClassification"/>).</param>
/// <param name="Score">The manager's score, 0–100.</param>
/// <param name="EmbedderVersion">The model id of the embedder that made <paramref name="Vector"/>.</param>
public sealed record VectorRecord(string Id, ReadOnlyMemory<float> Vector, string Classification, int Score, string EmbedderVersion);

/// <param name="Similarity">Cosine similarity to the query, −1 to 1.</param>
public sealed record VectorMatch(string Id, string Classification, int Score, double Similarity);

/// <summary>Restricts a search or count; a null member does not restrict, except a null version, which means the index's current version.</summary>
/// <param name="ExcludeId">A record a search must not return (a lead's own training record is never its own look-alike); counts ignore it.</param>
public sealed record VectorFilter(string? Classification = null, string? EmbedderVersion = null, string? ExcludeId = null);
