using LeadScoring.Core.Storage;
using LeadScoring.Core.Training.Similarity;
using LeadScoring.Tests.Storage;

namespace LeadScoring.Tests.Training.Similarity;

/// <summary>The index persisted to a fresh TrainingVectors table on Azurite per test.</summary>
[TestFixture]
public sealed class EmbeddedVectorIndexTests
{
    private const string Current = "local-hashing-v1-64";
    private const string Old = "local-hashing-v0-64";
    private const int Dimensions = 64;

    private LeadScoringStorage _storage = null!;
    private EmbeddedVectorIndex _index = null!;

    [SetUp]
    public async Task SetUp()
    {
        _storage = await TestStorage.CreateAsync();
        _index = new EmbeddedVectorIndex(Current, _storage);
    }

    [TearDown]
    public void TearDown() => _index.Dispose();

    [TestCase(1)]
    [TestCase(5)]
    [TestCase(17)]
    [TestCase(200)]
    [TestCase(500)]
    public async Task Search_200RandomRows_EqualsBruteForceRanking(int k)
    {
        var random = new Random(k);
        var records = RandomRecords(random, 200);
        await _index.UpsertManyAsync(records);

        foreach (var query in Enumerable.Range(0, 10).Select(_ => RandomVector(random, scale: 3)))
        {
            var found = await _index.SearchAsync(query, k);

            AssertSameRanking(found, BruteForce(records, query, k));
        }
    }

    [Test]
    public async Task Search_SplitIntoParallelSlices_EqualsBruteForceRanking()
    {
        using var index = new EmbeddedVectorIndex(Current) { ParallelRows = 1, SearchParallelism = 3 };
        var random = new Random(3);
        var records = RandomRecords(random, 200);
        await index.UpsertManyAsync(records);

        foreach (var k in new[] { 1, 5, 66, 67, 200 })
        {
            var query = RandomVector(random);
            AssertSameRanking(await index.SearchAsync(query, k), BruteForce(records, query, k));
        }
    }

    [Test]
    public async Task Search_FilterByClassification_RanksOnlyThose()
    {
        var random = new Random(11);
        var records = RandomRecords(random, 200);
        await _index.UpsertManyAsync(records);
        var query = RandomVector(random);

        var lessIdeal = await _index.SearchAsync(query, 10, new VectorFilter("LessIdeal"));

        using (Assert.EnterMultipleScope())
        {
            AssertSameRanking(lessIdeal, BruteForce(records.Where(r => r.Classification == "LessIdeal"), query, 10));
            Assert.That(lessIdeal.Select(m => m.Classification), Is.All.EqualTo("LessIdeal"));
            Assert.That(await _index.SearchAsync(query, 10, new VectorFilter("Unknown")), Is.Empty);
            Assert.That(await _index.CountAsync(new VectorFilter("LessIdeal")), Is.EqualTo(records.Count(r => r.Classification == "LessIdeal")));
        }
    }

    [Test]
    public async Task Search_OtherVersion_OnlyWhenAskedFor()
    {
        var random = new Random(5);
        await _index.UpsertManyAsync([Record("current-1", RandomVector(random)), Record("old-1", RandomVector(random), version: Old), Record("old-2", RandomVector(random), version: Old)]);
        var query = RandomVector(random);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await _index.SearchAsync(query, 10)).Select(m => m.Id), Is.EqualTo(new[] { "current-1" }));
            Assert.That((await _index.SearchAsync(query, 10, new VectorFilter(EmbedderVersion: Old))).Select(m => m.Id), Is.EquivalentTo(new[] { "old-1", "old-2" }));
            Assert.That((await _index.SearchAsync(query, 10, new VectorFilter(EmbedderVersion: "never-seen"))), Is.Empty);
            Assert.That(await _index.CountAsync(), Is.EqualTo(1));
            Assert.That(await _index.CountAsync(new VectorFilter(EmbedderVersion: Old)), Is.EqualTo(2));
        }
    }

    [Test]
    public async Task Search_UnnormalisedQuery_ReturnsCosineSimilarity()
    {
        var vector = RandomVector(new Random(1));
        await _index.UpsertAsync(Record("a", vector.Select(v => v * 7).ToArray()));

        var found = await _index.SearchAsync(vector.Select(v => v * 0.01f).ToArray(), 1);

        Assert.That(found.Single().Similarity, Is.EqualTo(1).Within(1e-5));
    }

    [Test]
    public async Task Search_EmptyIndex_ReturnsNothing() =>
        Assert.That(await _index.SearchAsync(RandomVector(new Random(1)), 5), Is.Empty);

    [Test]
    public async Task Search_BadQueryOrK_Throws()
    {
        await _index.UpsertAsync(Record("a", RandomVector(new Random(1))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => _index.SearchAsync(new float[Dimensions], 5), Throws.ArgumentException);
            Assert.That(() => _index.SearchAsync(new float[3] { 1, 2, 3 }, 5), Throws.ArgumentException);
            Assert.That(() => _index.SearchAsync(RandomVector(new Random(2)), 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
    }

    [Test]
    public async Task Upsert_SameId_ReplacesInMemoryAndTable()
    {
        var random = new Random(8);
        var replacement = RandomVector(random);
        await _index.UpsertManyAsync([Record("a", RandomVector(random)), Record("b", RandomVector(random))]);

        await _index.UpsertAsync(Record("a", replacement, "LessIdeal", score: 12));
        using var reloaded = new EmbeddedVectorIndex(Current, _storage);
        await reloaded.LoadAsync();

        foreach (var index in new[] { _index, reloaded })
        {
            var best = (await index.SearchAsync(replacement, 1)).Single();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(await index.CountAsync(), Is.EqualTo(2));
                Assert.That(best, Is.EqualTo(new VectorMatch("a", "LessIdeal", 12, best.Similarity)));
                Assert.That(best.Similarity, Is.EqualTo(1).Within(1e-5));
            }
        }
    }

    [Test]
    public async Task UpsertMany_IdTwice_LastWins()
    {
        var random = new Random(9);
        await _index.UpsertManyAsync([Record("a", RandomVector(random), score: 1), Record("a", RandomVector(random), score: 2)]);

        var found = await _index.SearchAsync(RandomVector(random), 5);

        Assert.That(found.Select(m => (m.Id, m.Score)), Is.EqualTo(new[] { ("a", 2) }));
    }

    [Test]
    public async Task Upsert_InvalidRecords_ThrowAndWriteNothing()
    {
        var random = new Random(10);
        VectorRecord[] invalid =
        [
            Record("bad-class", RandomVector(random), classification: "Great"),
            Record("bad-score", RandomVector(random), score: 101),
            Record("zero", new float[Dimensions]),
            Record("nan", [float.NaN, .. RandomVector(random)[1..]]),
            Record("bad/key", RandomVector(random)),
            Record("bad-version", RandomVector(random), version: " "),
        ];
        await _index.UpsertAsync(Record("first", RandomVector(random)));

        foreach (var record in invalid)
        {
            Assert.That(() => _index.UpsertManyAsync([Record("fine", RandomVector(random)), record]), Throws.ArgumentException, record.Id);
        }

        Assert.That(() => _index.UpsertAsync(Record("short", RandomVector(random)[..10])), Throws.ArgumentException, "other dimensions than the version's");
        using var reloaded = new EmbeddedVectorIndex(Current, _storage);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _index.CountAsync(), Is.EqualTo(1));
            Assert.That(await reloaded.LoadAsync(), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Delete_Existing_RemovesRowAndMemory()
    {
        var random = new Random(12);
        var records = RandomRecords(random, 30);
        await _index.UpsertManyAsync(records);

        var deleted = await _index.DeleteAsync(records[7].Id);
        using var reloaded = new EmbeddedVectorIndex(Current, _storage);
        await reloaded.LoadAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.True);
            Assert.That(await _index.DeleteAsync(records[7].Id), Is.False);
            Assert.That(await _index.CountAsync(), Is.EqualTo(29));
            Assert.That(await reloaded.CountAsync(), Is.EqualTo(29));
            Assert.That((await _index.SearchAsync(records[7].Vector, 30)).Select(m => m.Id), Does.Not.Contain(records[7].Id));
            AssertSameRanking(await _index.SearchAsync(records[3].Vector, 29), BruteForce(records.Where((_, i) => i != 7), records[3].Vector, 29));
        }
    }

    [Test]
    public async Task Delete_Unknown_ReturnsFalse() =>
        Assert.That(await _index.DeleteAsync("never-added"), Is.False);

    [Test]
    public async Task Load_NewInstance_FindsTheSameMatches()
    {
        var random = new Random(13);
        var records = RandomRecords(random, 250).Concat([Record("old-1", RandomVector(random), version: Old)]).ToList();
        await _index.UpsertManyAsync(records);
        var queries = Enumerable.Range(0, 5).Select(_ => RandomVector(random)).ToList();

        using var reloaded = new EmbeddedVectorIndex(Current, _storage);
        var loaded = await reloaded.LoadAsync();

        Assert.That(loaded, Is.EqualTo(251));
        foreach (var query in queries)
        {
            Assert.That(await reloaded.SearchAsync(query, 8, new VectorFilter("Ideal")), Is.EqualTo(await _index.SearchAsync(query, 8, new VectorFilter("Ideal"))).AsCollection);
        }

        Assert.That(await reloaded.StaleIdsAsync(Current), Is.EqualTo(new[] { "old-1" }));
    }

    [Test]
    public async Task Load_WithoutStorage_Throws()
    {
        using var index = new EmbeddedVectorIndex(Current);

        Assert.That(() => index.LoadAsync(), Throws.InvalidOperationException);
    }

    [Test]
    public async Task StaleIds_AfterReEmbedding_ListsOnlyThoseStillOnAnOldVersion()
    {
        var random = new Random(14);
        await _index.UpsertManyAsync([
            Record("b", RandomVector(random), version: Old),
            Record("a", RandomVector(random), version: Old),
            Record("c", RandomVector(random), version: "another-old"),
            Record("d", RandomVector(random)),
        ]);

        var before = await _index.StaleIdsAsync(Current);
        await _index.UpsertAsync(Record("a", RandomVector(random)));
        var after = await _index.StaleIdsAsync(Current);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(before, Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(after, Is.EqualTo(new[] { "b", "c" }));
            Assert.That(await _index.CountAsync(), Is.EqualTo(2));
            Assert.That(await _index.CountAsync(new VectorFilter(EmbedderVersion: Old)), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Search_DuringConcurrentUpsertsAndDeletes_NeverThrowsAndEndsConsistent()
    {
        var random = new Random(15);
        await _index.UpsertManyAsync(RandomRecords(random, 300));
        var batches = Enumerable.Range(0, 10).Select(b => RandomRecords(new Random(100 + b), 40, idPrefix: $"w{b}-")).ToList();
        var queries = Enumerable.Range(0, 16).Select(_ => RandomVector(random)).ToList();
        using var done = new CancellationTokenSource();

        var writer = Task.Run(async () =>
        {
            try
            {
                foreach (var batch in batches)
                {
                    await _index.UpsertManyAsync(batch);
                    await _index.DeleteAsync(batch[0].Id);
                }
            }
            finally
            {
                await done.CancelAsync();
            }
        });
        var searches = Enumerable.Range(0, 3).Select(s => Task.Run(async () =>
        {
            var count = 0;
            while (!done.IsCancellationRequested || count == 0)
            {
                var found = await _index.SearchAsync(queries[count++ % queries.Count], 5);
                Assert.That(found, Has.Count.EqualTo(5));
            }

            return count;
        })).ToList();

        await writer;
        var searched = await Task.WhenAll(searches);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(searched, Is.All.Positive);
            Assert.That(await _index.CountAsync(), Is.EqualTo(300 + (10 * 39)));
        }
    }

    private static List<VectorRecord> RandomRecords(Random random, int count, string idPrefix = "r") =>
        [.. Enumerable.Range(0, count).Select(i => Record($"{idPrefix}{i:D4}", RandomVector(random), i % 3 == 0 ? "LessIdeal" : "Ideal", random.Next(101)))];

    private static float[] RandomVector(Random random, float scale = 1) =>
        [.. Enumerable.Range(0, Dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1) * scale)];

    private static VectorRecord Record(string id, float[] vector, string classification = "Ideal", int score = 70, string version = Current) =>
        new(id, vector, classification, score, version);

    /// <summary>Cosine in double against every record of the current version, best first, ties by id.</summary>
    private static List<(string Id, double Similarity)> BruteForce(IEnumerable<VectorRecord> records, ReadOnlyMemory<float> query, int k) =>
        [.. records
            .Where(r => r.EmbedderVersion == Current)
            .Select(r => (r.Id, Similarity: Cosine(r.Vector.Span, query.Span)))
            .OrderByDescending(m => m.Similarity).ThenBy(m => m.Id, StringComparer.Ordinal)
            .Take(k)];

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(normA * normB);
    }

    private static void AssertSameRanking(IReadOnlyList<VectorMatch> found, List<(string Id, double Similarity)> expected)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Select(m => m.Id), Is.EqualTo(expected.Select(e => e.Id)));
            Assert.That(found.Select(m => m.Similarity), Is.EqualTo(expected.Select(e => e.Similarity)).AsCollection.Within(1e-5));
        }
    }
}
