using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;
using LeadScoring.Core.Training.Similarity;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadScoring.Core.Training;

/// <summary>Registers training records with the embedded defaults: the hashing embedder and the exact-cosine index in Azure Tables.</summary>
internal static class TrainingServiceCollectionExtensions
{
    /// <summary>Azure OpenAI embedding deployment; with AZURE_OPENAI_ENDPOINT it replaces the hashing embedder.</summary>
    public const string EmbeddingDeploymentName = "AZURE_OPENAI_EMBEDDING_DEPLOYMENT";

    /// <summary>
    /// The vector length asked of Azure OpenAI (text-embedding-3-small's own; -large shortens to it). Declared, so the
    /// Azure AI Search index is created with the length the vectors have.
    /// </summary>
    public const int AzureOpenAIEmbeddingDimensions = 1536;

    public static IServiceCollection AddTrainingRecords(this IServiceCollection services)
    {
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(provider =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            var analyst = AI.AnalystOptions.Read(configuration);
            if (analyst.Enabled && configuration[EmbeddingDeploymentName] is { Length: > 0 } deployment)
            {
                // Production: Azure OpenAI embeddings; stored vectors of the hashing embedder get re-embedded at start-up.
                var client = AI.AnalystServiceCollectionExtensions.CreateAzureClient(analyst);
                return client.GetEmbeddingClient(deployment).AsIEmbeddingGenerator(AzureOpenAIEmbeddingDimensions);
            }

            return new HashingEmbeddingGenerator();
        });
        services.TryAddSingleton(provider => new EmbeddedVectorIndex(
            provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "unknown",
            provider.GetRequiredService<LeadScoringStorage>()));
        services.TryAddSingleton<IVectorIndex>(provider =>
        {
            var embedder = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
            var version = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "unknown";
            var search = AzureSearch.AzureSearchOptions.ReadFrom(
                provider.GetRequiredService<IConfiguration>(), embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions ?? HashingEmbeddingGenerator.DefaultDimensions);
            return search.IsConfigured
                ? AzureSearch.AzureSearchVectorIndex.Create(search, version)
                : provider.GetRequiredService<EmbeddedVectorIndex>();
        });
        services.TryAddSingleton(provider => new SimilarLeads(
            provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            provider.GetRequiredService<IVectorIndex>(),
            provider.GetRequiredService<LeadScorer>().Profile));
        services.TryAddSingleton<TrainingRecordStore>();
        services.TryAddTransient<TrainingRecordService>();
        return services;
    }
}
