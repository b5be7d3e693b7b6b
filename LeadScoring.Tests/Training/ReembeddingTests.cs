using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;
using LeadScoring.Core.Training;
using LeadScoring.Core.Training.Similarity;
using LeadScoring.Tests.Storage;

namespace LeadScoring.Tests.Training;

/// <summary>Switching embedders: vectors made by the old one are found and re-embedded, so spaces never mix.</summary>
[TestFixture]
public sealed class ReembeddingTests
{
    [Test]
    public async Task ReembedStale_EmbedderChanged_EveryRecordGetsAVectorOfTheNewVersion()
    {
        var storage = await TestStorage.CreateAsync();
        var old = Service(storage, new HashingEmbeddingGenerator(256), out var oldIndex);
        for (var i = 0; i < 12; i++)
        {
            var (record, errors) = await old.CreateAsync(new TrainingRecordInput
            {
                Classification = i % 2 == 0 ? "Ideal" : "LessIdeal",
                Score = i % 2 == 0 ? 90 : 10,
                Features = new LeadFeatures { Industry = i % 2 == 0 ? "BANKING" : "FARMING", EmployeeCount = 100 + i },
            }, "Admin");
            Assert.That(errors, Is.Empty);
            Assert.That(record, Is.Not.Null);
        }

        var renewed = Service(storage, new HashingEmbeddingGenerator(128), out var newIndex);
        await newIndex.LoadAsync();
        Assert.That(await newIndex.CountAsync(), Is.Zero, "no vector of the new version yet");

        var reembedded = await renewed.ReembedStaleAsync();

        Assert.That(reembedded, Is.EqualTo(12));
        Assert.That(await newIndex.CountAsync(), Is.EqualTo(12));
        Assert.That(await newIndex.StaleIdsAsync("local-hashing-v1-128"), Is.Empty);
        Assert.That(await renewed.ReembedStaleAsync(), Is.Zero, "idempotent");
        oldIndex.Dispose();
        newIndex.Dispose();
    }

    private static TrainingRecordService Service(LeadScoringStorage storage, HashingEmbeddingGenerator embedder, out EmbeddedVectorIndex index)
    {
        (var service, _, index) = TrainingServices.Create(storage, embedder);
        return service;
    }
}
