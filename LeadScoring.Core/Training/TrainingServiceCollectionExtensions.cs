using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;
using LeadScoring.Core.Training.Similarity;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadScoring.Core.Training;

/// <summary>Registers training records with the embedded defaults: the hashing embedder and the exact-cosine index in Azure Tables.</summary>
public static class TrainingServiceCollectionExtensions
{
    public static IServiceCollection AddTrainingRecords(this IServiceCollection services)
    {
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new HashingEmbeddingGenerator());
        services.TryAddSingleton(provider => new EmbeddedVectorIndex(
            provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "unknown",
            provider.GetRequiredService<LeadScoringStorage>()));
        services.TryAddSingleton<IVectorIndex>(provider => provider.GetRequiredService<EmbeddedVectorIndex>());
        services.TryAddSingleton(provider => new SimilarLeads(
            provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            provider.GetRequiredService<IVectorIndex>(),
            provider.GetRequiredService<LeadScorer>().Profile));
        services.TryAddSingleton<TrainingRecordStore>();
        services.TryAddTransient<TrainingRecordService>();
        return services;
    }
}
