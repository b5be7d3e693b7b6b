using System.Numerics.Tensors;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Training.Similarity;
using Microsoft.Extensions.AI;

namespace LeadScoring.Tests.Training.Similarity;

/// <summary>
/// Thresholds come from measuring (256 dimensions): near copies 0.97, <see cref="SimilarityLeads.Unrelated"/> 0.07,
/// 2,000 pairs of random leads mean 0.36 and p99 0.59 (random leads often share a country, a stage or a bucket).
/// So "look-alike" is asserted as &gt; 0.9 and above every random lead, "unrelated" as &lt; 0.25.
/// </summary>
[TestFixture]
public sealed class HashingEmbeddingGeneratorTests
{
    private const string Notes = "Wants SSO; budget approved for Q3. Champion is the CTO.";

    // industry 2, employees:b8 1, b7 and b9 ±0.5, each note word 1.5/√2; norm √7.75.
    private static readonly double[] PinnedVector = [0, 0, -0.1796, 0, 0, 0, 0, 0.381, 0, 0.1796, 0.7184, 0, 0, 0.381, 0.3592, 0];

    private readonly HashingEmbeddingGenerator _generator = new();

    [Test]
    public void Embed_NearCopy_CosineAbove0_9() =>
        Assert.That(Cosine(SimilarityLeads.Full, SimilarityLeads.NearCopy), Is.GreaterThan(0.9));

    [Test]
    public void Embed_UnrelatedLead_CosineBelow0_25() =>
        Assert.That(Cosine(SimilarityLeads.Full, SimilarityLeads.Unrelated), Is.LessThan(0.25));

    [Test]
    public void Embed_NearCopy_IsNearerThanEvery1Of500RandomLeads()
    {
        var random = new Random(20260301);
        var nearest = Enumerable.Range(0, 500).Max(_ => Cosine(SimilarityLeads.Full, SimilarityLeads.Random(random)));

        Assert.That(Cosine(SimilarityLeads.Full, SimilarityLeads.NearCopy), Is.GreaterThan(nearest));
    }

    [Test]
    public void Embed_NeighbouringBucket_IsNearerThanADistantOne()
    {
        var lead = new LeadFeatures { EmployeeCount = 250 };

        var neighbour = Cosine(lead, lead with { EmployeeCount = 300 });
        var distant = Cosine(lead, lead with { EmployeeCount = 5000 });

        using (Assert.EnterMultipleScope())
        {
            // Same bucket 1, neighbours share half-weighted tokens (2·1·0.5 / 1.5 ≈ 0.67), four buckets apart nothing.
            Assert.That(neighbour, Is.EqualTo(2 * 0.5 / 1.5).Within(0.1));
            Assert.That(distant, Is.LessThan(0.2));
        }
    }

    [Test]
    public void Embed_TwoInstances_GiveBitIdenticalVectors()
    {
        var text = LeadDocument.ToText(SimilarityLeads.Full, Notes);
        var first = new HashingEmbeddingGenerator().Embed(text);

        var second = new HashingEmbeddingGenerator().Embed(text);

        Assert.That(second, Is.EqualTo(first).AsCollection);
    }

    [Test]
    public void Embed_KnownText_GivesThePinnedVector()
    {
        // If this fails the vectors changed: bump the version in HashingEmbeddingGenerator so stored vectors are re-embedded.
        var vector = new HashingEmbeddingGenerator(16).Embed("industry:COMPUTER_SOFTWARE employees:b8 wants sso");

        Assert.That(vector.Select(v => Math.Round(v, 4)), Is.EqualTo(PinnedVector).AsCollection);
    }

    [Test]
    public void Embed_NothingKnown_IsTheSameUnitVectorForEveryEmptyLead()
    {
        var empty = _generator.Embed(LeadDocument.ToText(new LeadFeatures()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(TensorPrimitives.Norm(empty), Is.EqualTo(1).Within(1e-5));
            Assert.That(_generator.Embed(""), Is.EqualTo(empty).AsCollection);
            Assert.That(Cosine(new LeadFeatures(), SimilarityLeads.Full), Is.LessThan(0.25));
        }
    }

    [Test]
    public void Embed_UnknownValuesAndOddText_DoNotThrowAndAreUnitLength()
    {
        string[] texts =
        [
            LeadDocument.ToText(new LeadFeatures { EmployeeCount = -1, AnnualRevenue = double.NaN, IndustryWinRate = 7 }),
            ":::: industry: :b b: x:b99999 employees:b0 ÄÖÜ straße 東京",
            new string('x', 10_000),
        ];

        Assert.That(texts.Select(t => TensorPrimitives.Norm(_generator.Embed(t))), Is.All.EqualTo(1).Within(1e-5));
    }

    [Test]
    public void Embed_Notes_ChangeTheVectorALittle()
    {
        var withNotes = Cosine(SimilarityLeads.Full, SimilarityLeads.Full, Notes);
        var otherNotes = Cosine(SimilarityLeads.Full, SimilarityLeads.Full, Notes, "No budget this year, went with a competitor.");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(withNotes, Is.InRange(0.9, 0.999));
            Assert.That(otherNotes, Is.InRange(0.9, 0.999));
        }
    }

    [Test]
    public void Embed_LongNotes_DoNotOutweighTheFeatures()
    {
        var essay = string.Join(' ', Enumerable.Range(0, 2_000).Select(i => $"word{i}"));

        Assert.That(Cosine(SimilarityLeads.Full, SimilarityLeads.Full, essay), Is.GreaterThan(0.95));
    }

    [Test]
    public void Embed_CaseOfTheText_DoesNotMatter() =>
        Assert.That(_generator.Embed("industry:computer_software WANTS Sso"), Is.EqualTo(_generator.Embed("INDUSTRY:COMPUTER_SOFTWARE wants sso")).AsCollection);

    [Test]
    public void Embed_DestinationOfWrongLength_Throws() =>
        Assert.That(() => _generator.Embed("x", new float[10]), Throws.ArgumentException);

    [Test]
    public async Task GenerateAsync_SeveralTexts_OneNormalisedEmbeddingEachWithModelId()
    {
        var texts = new[] { LeadDocument.ToText(SimilarityLeads.Full), LeadDocument.ToText(SimilarityLeads.Unrelated), "" };

        var embeddings = await _generator.GenerateAsync(texts);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(embeddings, Has.Count.EqualTo(3));
            Assert.That(embeddings.Select(e => e.ModelId), Is.All.EqualTo("local-hashing-v1-256"));
            Assert.That(embeddings.Select(e => e.Vector.Length), Is.All.EqualTo(256));
            Assert.That(embeddings[0].Vector.ToArray(), Is.EqualTo(_generator.Embed(texts[0])).AsCollection);
        }
    }

    [Test]
    public async Task GenerateVectorAsync_ThroughTheAbstraction_Works()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = new HashingEmbeddingGenerator(128);

        var vector = await generator.GenerateVectorAsync("industry:RETAIL");

        Assert.That(vector.Length, Is.EqualTo(128));
    }

    [Test]
    public void GenerateAsync_OtherDimensionsOrModelAsked_Throws()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => _generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 1536 }), Throws.ArgumentException);
            Assert.That(() => _generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { ModelId = "text-embedding-3-small" }), Throws.ArgumentException);
        }
    }

    [Test]
    public void Metadata_NamesTheVersionAndDimensions()
    {
        var generator = new HashingEmbeddingGenerator(128);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(generator.Version, Is.EqualTo("local-hashing-v1-128"));
            Assert.That(generator.GetService<EmbeddingGeneratorMetadata>(), Is.SameAs(generator.Metadata));
            Assert.That(generator.Metadata.DefaultModelId, Is.EqualTo(generator.Version));
            Assert.That(generator.Metadata.DefaultModelDimensions, Is.EqualTo(128));
            Assert.That(generator.GetService<HashingEmbeddingGenerator>(), Is.SameAs(generator));
        }
    }

    private double Cosine(LeadFeatures a, LeadFeatures b, string? notesA = null, string? notesB = null) =>
        TensorPrimitives.Dot(_generator.Embed(LeadDocument.ToText(a, notesA)), _generator.Embed(LeadDocument.ToText(b, notesB)));
}
