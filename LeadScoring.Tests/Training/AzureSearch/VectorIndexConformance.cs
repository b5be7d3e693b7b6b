using LeadScoring.Core.Training.Similarity;

namespace LeadScoring.Tests.Training.AzureSearch;

/// <summary>
/// The behaviour every <see cref="IVectorIndex"/> must show, as one reusable check over a small seeded random data set:
/// exact top-k against a brute-force cosine ranking, filters by classification and embedder version, counts, stale ids,
/// replace, re-embed, delete, last-wins upserts and input validation. Returns the top-k ids of every search it made, so
/// two implementations run on the same seed can be compared search by search.
/// </summary>
internal static class VectorIndexConformance
{
    public const int Dimensions = 16;

    private const double Tolerance = 1e-5;

    /// <param name="index">An empty index whose current embedder version is <paramref name="currentVersion"/>, of <see cref="Dimensions"/>.</param>
    public static async Task<List<string[]>> CheckAsync(IVectorIndex index, string currentVersion, int seed = 1)
    {
        var transcript = new List<string[]>();
        var random = new Random(seed);
        var oldVersion = currentVersion + "-old";

        async Task<IReadOnlyList<VectorMatch>> Search(float[] query, int k, VectorFilter? filter = null)
        {
            var found = await index.SearchAsync(query, k, filter);
            transcript.Add([.. found.Select(m => m.Id)]);
            return found;
        }

        // Empty.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Search(RandomVector(random), 5), Is.Empty, "empty index: search");
            Assert.That(await index.CountAsync(), Is.Zero, "empty index: count");
            Assert.That(await index.StaleIdsAsync(currentVersion), Is.Empty, "empty index: stale ids");
        }

        var current = RandomRecords(random, 60, "r", currentVersion);
        var old = RandomRecords(random, 5, "o", oldVersion);
        await index.UpsertManyAsync([.. current, .. old]);

        // Top k equals the brute-force cosine ranking, for k below, at and above the row count.
        foreach (var k in new[] { 1, 5, 17, 60, 100 })
        {
            for (var q = 0; q < 3; q++)
            {
                var query = RandomVector(random, scale: 3);
                AssertSameRanking(await Search(query, k), BruteForce(current, query, k), $"k={k}");
            }
        }

        // A lead's own record left out: the rest ranked as before, with the same k.
        var own = current[7];
        var withoutOwn = await Search(own.Vector.ToArray(), 5, new VectorFilter(ExcludeId: own.Id));
        using (Assert.EnterMultipleScope())
        {
            Assert.That((await Search(own.Vector.ToArray(), 1))[0].Id, Is.EqualTo(own.Id), "a record is its own nearest");
            AssertSameRanking(withoutOwn, BruteForce(current.Where(r => r.Id != own.Id), own.Vector, 5), "excluded id");
            Assert.That(await Search(own.Vector.ToArray(), 100, new VectorFilter(ExcludeId: own.Id)), Has.Count.EqualTo(current.Count - 1), "k above the row count");
        }

        // Classification filter, and its count; an unknown classification matches nothing.
        var probe = RandomVector(random);
        var lessIdeal = await Search(probe, 10, new VectorFilter("LessIdeal"));
        using (Assert.EnterMultipleScope())
        {
            AssertSameRanking(lessIdeal, BruteForce(current.Where(r => r.Classification == "LessIdeal"), probe, 10), "LessIdeal");
            Assert.That(lessIdeal.Select(m => m.Classification), Is.All.EqualTo("LessIdeal"));
            Assert.That(await Search(probe, 10, new VectorFilter("Unknown")), Is.Empty, "unknown classification");
            Assert.That(await index.CountAsync(new VectorFilter("LessIdeal")), Is.EqualTo(current.Count(r => r.Classification == "LessIdeal")));
            Assert.That(await index.CountAsync(new VectorFilter("Ideal")), Is.EqualTo(current.Count(r => r.Classification == "Ideal")));
            Assert.That(await index.CountAsync(new VectorFilter("Unknown")), Is.Zero);
        }

        // Embedder versions: the current one by default, another only when asked for.
        using (Assert.EnterMultipleScope())
        {
            AssertSameRanking(await Search(probe, 3, new VectorFilter(EmbedderVersion: oldVersion)), BruteForce(old, probe, 3), "old version");
            Assert.That(await Search(probe, 3, new VectorFilter("Ideal", "never-seen")), Is.Empty, "unseen version");
            Assert.That(await index.CountAsync(), Is.EqualTo(60));
            Assert.That(await index.CountAsync(new VectorFilter(EmbedderVersion: oldVersion)), Is.EqualTo(5));
            Assert.That(await index.StaleIdsAsync(currentVersion), Is.EqualTo(old.Select(r => r.Id).Order(StringComparer.Ordinal)));
            Assert.That(await index.StaleIdsAsync(oldVersion), Is.EqualTo(current.Select(r => r.Id).Order(StringComparer.Ordinal)));
        }

        // Replacing a record replaces its vector, classification and score; an unnormalised query still gives cosine.
        var replacement = RandomVector(random);
        await index.UpsertAsync(new VectorRecord(current[0].Id, replacement.Select(v => v * 9).ToArray(), "LessIdeal", 12, currentVersion));
        var best = (await Search(replacement.Select(v => v * 0.01f).ToArray(), 1)).Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(best with { Similarity = 0 }, Is.EqualTo(new VectorMatch(current[0].Id, "LessIdeal", 12, 0)));
            Assert.That(best.Similarity, Is.EqualTo(1).Within(Tolerance));
            Assert.That(await index.CountAsync(), Is.EqualTo(60));
        }

        current[0] = new VectorRecord(current[0].Id, replacement, "LessIdeal", 12, currentVersion);

        // Re-embedding an old record moves it to the current version.
        var reEmbedded = new VectorRecord(old[0].Id, RandomVector(random), "Ideal", 55, currentVersion);
        await index.UpsertAsync(reEmbedded);
        current.Add(reEmbedded);
        old.RemoveAt(0);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await index.StaleIdsAsync(currentVersion), Is.EqualTo(old.Select(r => r.Id).Order(StringComparer.Ordinal)));
            Assert.That(await index.CountAsync(), Is.EqualTo(61));
            Assert.That(await index.CountAsync(new VectorFilter(EmbedderVersion: oldVersion)), Is.EqualTo(4));
        }

        // Delete: true once, then false; the record is gone from searches and counts.
        var deleted = current[7];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await index.DeleteAsync(deleted.Id), Is.True, "delete existing");
            Assert.That(await index.DeleteAsync(deleted.Id), Is.False, "delete again");
            Assert.That(await index.DeleteAsync("never-added"), Is.False, "delete unknown");
        }

        current.RemoveAt(7);
        var afterDelete = await Search(deleted.Vector.ToArray(), 100);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(afterDelete.Select(m => m.Id), Does.Not.Contain(deleted.Id));
            AssertSameRanking(afterDelete, BruteForce(current, deleted.Vector, 100), "after delete");
            Assert.That(await index.CountAsync(), Is.EqualTo(60));
        }

        // An id given twice in one call: the last one wins.
        await index.UpsertManyAsync([
            new VectorRecord("twice", RandomVector(random), "Ideal", 1, currentVersion),
            new VectorRecord("twice", RandomVector(random), "LessIdeal", 2, currentVersion),
        ]);
        var twice = (await Search(RandomVector(random), 100)).Single(m => m.Id == "twice");
        Assert.That((twice.Classification, twice.Score), Is.EqualTo(("LessIdeal", 2)));

        // Invalid input throws and writes nothing.
        VectorRecord[] invalid =
        [
            new("bad-class", RandomVector(random), "Great", 50, currentVersion),
            new("bad-score", RandomVector(random), "Ideal", 101, currentVersion),
            new("zero", new float[Dimensions], "Ideal", 50, currentVersion),
            new("nan", new[] { float.NaN }.Concat(RandomVector(random).Skip(1)).ToArray(), "Ideal", 50, currentVersion),
            new("bad/key", RandomVector(random), "Ideal", 50, currentVersion),
            new("bad-version", RandomVector(random), "Ideal", 50, " "),
        ];
        foreach (var record in invalid)
        {
            Assert.That(() => index.UpsertManyAsync([new VectorRecord("fine", RandomVector(random), "Ideal", 50, currentVersion), record]), Throws.ArgumentException, record.Id);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await index.CountAsync(), Is.EqualTo(61), "nothing written by the invalid calls");
            Assert.That(() => index.SearchAsync(new float[Dimensions], 5), Throws.ArgumentException, "zero query");
            Assert.That(() => index.SearchAsync(new float[] { 1, 2, 3 }, 5), Throws.ArgumentException, "short query");
            Assert.That(() => index.SearchAsync(RandomVector(random), 0), Throws.InstanceOf<ArgumentOutOfRangeException>(), "k = 0");
        }

        return transcript;
    }

    public static List<VectorRecord> RandomRecords(Random random, int count, string idPrefix, string version) =>
        [.. Enumerable.Range(0, count).Select(i => new VectorRecord($"{idPrefix}{i:D4}", RandomVector(random), i % 3 == 0 ? "LessIdeal" : "Ideal", random.Next(101), version))];

    public static float[] RandomVector(Random random, float scale = 1) =>
        [.. Enumerable.Range(0, Dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1) * scale)];

    /// <summary>Cosine in double against every given record, best first, ties by id.</summary>
    public static List<(string Id, double Similarity)> BruteForce(IEnumerable<VectorRecord> records, ReadOnlyMemory<float> query, int k) =>
        [.. records
            .Select(r => (r.Id, Similarity: Cosine(r.Vector.Span, query.Span)))
            .OrderByDescending(m => m.Similarity).ThenBy(m => m.Id, StringComparer.Ordinal)
            .Take(k)];

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
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

    public static void AssertSameRanking(IReadOnlyList<VectorMatch> found, List<(string Id, double Similarity)> expected, string because)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Select(m => m.Id), Is.EqualTo(expected.Select(e => e.Id)), because);
            Assert.That(found.Select(m => m.Similarity), Is.EqualTo(expected.Select(e => e.Similarity)).AsCollection.Within(Tolerance), because);
        }
    }
}
