using LeadScoring.Core.Training;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.AI;

/// <summary>With AZURE_OPENAI_EMBEDDING_DEPLOYMENT set, embeddings come from Azure OpenAI (here: its local stand-in).</summary>
[TestFixture]
public sealed class AzureOpenAIEmbeddingsTests
{
    [Test]
    public async Task EmbeddingGenerator_DeploymentConfigured_CallsAzureOpenAIEmbeddings()
    {
        await using var standIn = await AzureOpenAIStandIn.StartAsync();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AZURE_OPENAI_ENDPOINT"] = standIn.Endpoint.ToString(),
            ["AZURE_OPENAI_API_KEY"] = "stand-in-key",
            ["AZURE_OPENAI_EMBEDDING_DEPLOYMENT"] = "text-embedding-3-small",
        }).Build());
        services.AddTrainingRecords();
        await using var provider = services.BuildServiceProvider();
        var embedder = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var result = await embedder.GenerateAsync(["industry:BANKING country:DE"]);

        Assert.That(result[0].Vector.ToArray(), Is.EqualTo(new float[] { 27, 1, 0, 0 }));
        Assert.That(standIn.EmbeddingRequests.Single().Path, Does.Contain("/openai/deployments/text-embedding-3-small/embeddings"));
        Assert.That(standIn.EmbeddingRequests.Single().ApiKey, Is.EqualTo("stand-in-key"));

        // The index is created with the length the vectors are asked for (not the hashing embedder's 256).
        Assert.That((int?)standIn.EmbeddingRequests.Single().Body["dimensions"], Is.EqualTo(TrainingServiceCollectionExtensions.AzureOpenAIEmbeddingDimensions));
        Assert.That(embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions, Is.EqualTo(1536));
    }

    [Test]
    public async Task EmbeddingGenerator_NoEndpoint_IsTheLocalHashingEmbedder()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddTrainingRecords();
        await using var provider = services.BuildServiceProvider();

        var embedder = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.That(embedder, Is.InstanceOf<LeadScoring.Core.Training.Similarity.HashingEmbeddingGenerator>());
    }
}
