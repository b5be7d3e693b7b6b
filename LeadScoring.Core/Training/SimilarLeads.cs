using LeadScoring.Core.Scoring;
using LeadScoring.Core.Training.Similarity;
using Microsoft.Extensions.AI;

namespace LeadScoring.Core.Training;

/// <summary>Embeds a lead (the same way training records are embedded) and finds its nearest training records.</summary>
public sealed class SimilarLeads(IEmbeddingGenerator<string, Embedding<float>> embedder, IVectorIndex index, ScoringProfile profile)
{
    /// <summary>The embedder's model id; stored on every vector so a change of embedder is detected.</summary>
    public string EmbedderVersion { get; } = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "unknown";

    public async Task<ReadOnlyMemory<float>> EmbedAsync(LeadFeatures features, string? notes, CancellationToken cancellationToken = default)
    {
        var embeddings = await embedder.GenerateAsync([LeadDocument.ToText(features, notes)], cancellationToken: cancellationToken).ConfigureAwait(false);
        return embeddings[0].Vector;
    }

    /// <summary>
    /// The k (profile) nearest training records, nearest first; empty while there are none. The lead's own training
    /// record (of <paramref name="contactId"/>) is never among them: it would be the lead's look-alike at similarity ~1,
    /// pulling its score toward whatever it was classified as — the classification counted as evidence for itself.
    /// </summary>
    public async Task<IReadOnlyList<SimilarRecord>> FindAsync(LeadFeatures features, string? contactId, CancellationToken cancellationToken = default)
    {
        if (await index.CountAsync(cancellationToken: cancellationToken).ConfigureAwait(false) == 0)
        {
            return [];
        }

        var vector = await EmbedAsync(features, null, cancellationToken).ConfigureAwait(false);
        var filter = contactId is null ? null : new VectorFilter(ExcludeId: TrainingRecord.IdFor(contactId));
        var matches = await index.SearchAsync(vector, profile.Similarity.Neighbours, filter, cancellationToken).ConfigureAwait(false);
        return [.. matches.Select(m => new SimilarRecord(m.Id, m.Classification, m.Score, Math.Round(m.Similarity, 4)))];
    }
}
