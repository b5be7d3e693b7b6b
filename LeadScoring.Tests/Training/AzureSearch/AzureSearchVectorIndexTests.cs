using Azure;
using LeadScoring.Core.Training.AzureSearch;
using LeadScoring.Core.Training.Similarity;
using static LeadScoring.Tests.Training.AzureSearch.VectorIndexConformance;

namespace LeadScoring.Tests.Training.AzureSearch;

/// <summary>The Azure AI Search adapter, through the real SDK, against a local stand-in that answers in the service's REST shape.</summary>
[TestFixture]
public sealed class AzureSearchVectorIndexTests
{
    private const string Current = "text-embedding-3-small-16";
    private const string IndexName = AzureSearchOptions.DefaultIndexName;

    private SearchStandIn _standIn = null!;
    private AzureSearchVectorIndex _index = null!;

    [SetUp]
    public async Task SetUp()
    {
        _standIn = await SearchStandIn.StartAsync();
        _index = NewIndex();
    }

    [TearDown]
    public async Task TearDown()
    {
        _index.Dispose();
        await _standIn.DisposeAsync();
    }

    [Test]
    public async Task EnsureIndex_Absent_CreatesHnswCosineIndexWithFilterableFields()
    {
        var created = await _index.EnsureIndexAsync();

        var put = _standIn.Requests.Single(r => r.Method == "PUT");
        var definition = _standIn.IndexDefinition(IndexName)!;
        var fields = definition["fields"]!.AsArray().ToDictionary(f => (string)f!["name"]!, f => f!.AsObject());
        var algorithm = definition["vectorSearch"]!["algorithms"]!.AsArray().Single()!;
        var profile = definition["vectorSearch"]!["profiles"]!.AsArray().Single()!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(created, Is.True);
            Assert.That(_standIn.Requests.Select(r => (r.Method, r.Path)), Is.EqualTo(new[] { ("GET", $"/indexes('{IndexName}')"), ("PUT", $"/indexes('{IndexName}')") }));
            Assert.That(put.Query, Does.Contain("allowIndexDowntime=false"));
            Assert.That(_standIn.Requests.Select(r => r.ApiVersion), Is.All.EqualTo("2023-11-01"));
            Assert.That(fields.Keys, Is.EquivalentTo(new[] { "id", "vector", "classification", "score", "embedderVersion" }));
            Assert.That((bool?)fields["id"]["key"], Is.True);
            Assert.That((string?)fields["vector"]["type"], Is.EqualTo("Collection(Edm.Single)"));
            Assert.That((int?)fields["vector"]["dimensions"], Is.EqualTo(Dimensions));
            Assert.That((bool?)fields["vector"]["searchable"], Is.True);
            Assert.That((bool?)fields["vector"]["retrievable"], Is.False, "vectors are not sent back with matches");
            Assert.That((string?)fields["vector"]["vectorSearchProfile"], Is.EqualTo((string?)profile["name"]));
            Assert.That((string?)profile["algorithm"], Is.EqualTo((string?)algorithm["name"]));
            Assert.That((string?)algorithm["kind"], Is.EqualTo("hnsw"));
            Assert.That((string?)algorithm["hnswParameters"]!["metric"], Is.EqualTo("cosine"));
            foreach (var name in new[] { "classification", "score", "embedderVersion" })
            {
                Assert.That((bool?)fields[name]["filterable"], Is.True, name);
            }

            Assert.That((string?)fields["score"]["type"], Is.EqualTo("Edm.Int32"));
        }
    }

    [Test]
    public async Task EnsureIndex_Present_IsNotRecreated()
    {
        await _index.EnsureIndexAsync();
        _standIn.ClearRequests();
        using var second = NewIndex();

        var created = await second.EnsureIndexAsync();
        await second.CountAsync();
        await second.CountAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(created, Is.False);
            Assert.That(_standIn.Requests.Select(r => r.Method), Is.EqualTo(new[] { "GET", "POST", "POST" }), "one look, no PUT, and no further look once ensured");
        }
    }

    [Test]
    public async Task FirstOperation_EnsuresTheIndexOnce()
    {
        await _index.CountAsync();
        await _index.SearchAsync(RandomVector(new Random(1)), 3);

        Assert.That(_standIn.Requests.Select(r => r.Method), Is.EqualTo(new[] { "GET", "PUT", "POST", "POST" }));
    }

    [Test]
    public async Task ConcurrentFirstOperations_EnsureTheIndexOnce()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _index.CountAsync()));

        Assert.That(_standIn.Requests.Count(r => r.Path == $"/indexes('{IndexName}')"), Is.EqualTo(2), "one GET and one PUT");
    }

    [Test]
    public async Task EnsureIndex_PresentWithOtherDimensions_ThrowsNamingTheSetting()
    {
        await _index.EnsureIndexAsync();
        using var longer = new AzureSearchVectorIndex(_standIn.CreateClient(), IndexName, 32, Current);

        Assert.That(() => longer.EnsureIndexAsync(), Throws.InvalidOperationException.With.Message.Contains("16 dimensions").And.Message.Contains(AzureSearchOptions.IndexNameName));
    }

    [Test]
    public async Task UpsertThenSearch_NearestFirst_WithCosineFromTheScore()
    {
        // Unit vectors at known angles to the query (1, 0, …): cosines 1, 0.6, 0, −0.8.
        float[] Vector(float x, float y) => [x, y, .. new float[Dimensions - 2]];
        await _index.UpsertManyAsync([
            new VectorRecord("orthogonal", Vector(0, 5), "Ideal", 40, Current),
            new VectorRecord("opposite", Vector(-0.8f, 0.6f), "LessIdeal", 10, Current),
            new VectorRecord("same", Vector(3, 0), "Ideal", 90, Current),
            new VectorRecord("near", Vector(0.6f, 0.8f), "LessIdeal", 70, Current),
        ]);

        var found = await _index.SearchAsync(Vector(2, 0), 3);

        var search = _standIn.Requests.Last(r => r.Path.EndsWith("search.post.search", StringComparison.Ordinal)).Body!;
        var vectorQuery = search["vectorQueries"]!.AsArray().Single()!;
        var stored = _standIn.Documents(IndexName)["same"];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Select(m => m.Id), Is.EqualTo(new[] { "same", "near", "orthogonal" }));
            Assert.That(found.Select(m => m.Similarity), Is.EqualTo(new[] { 1, 0.6, 0 }).AsCollection.Within(1e-6));
            Assert.That(found[1], Is.EqualTo(new VectorMatch("near", "LessIdeal", 70, found[1].Similarity)));
            Assert.That((string?)vectorQuery["kind"], Is.EqualTo("vector"));
            Assert.That((int?)vectorQuery["k"], Is.EqualTo(3));
            Assert.That((string?)vectorQuery["fields"], Is.EqualTo("vector"));
            Assert.That(vectorQuery["vector"]!.AsArray().Select(v => (float)v!), Is.EqualTo(Vector(2, 0)));
            Assert.That((int?)search["top"], Is.EqualTo(3));
            Assert.That((string?)search["filter"], Is.EqualTo($"embedderVersion eq '{Current}'"));
            Assert.That((string?)search["vectorFilterMode"], Is.EqualTo("preFilter"));
            Assert.That((string?)search["select"], Is.EqualTo("id,classification,score"));
            Assert.That(stored["vector"]!.AsArray().Select(v => (float)v!), Is.EqualTo(Vector(1, 0)), "stored unit length");
            Assert.That((string?)stored["embedderVersion"], Is.EqualTo(Current));
            Assert.That((int?)stored["score"], Is.EqualTo(90));
        }
    }

    [Test]
    public async Task Search_ExhaustiveOption_AsksForExactNeighbours()
    {
        using var exact = new AzureSearchVectorIndex(_standIn.CreateClient(), IndexName, Dimensions, Current) { Exhaustive = true };
        await exact.UpsertAsync(new VectorRecord("a", RandomVector(new Random(2)), "Ideal", 50, Current));

        await exact.SearchAsync(RandomVector(new Random(3)), 2);
        await _index.SearchAsync(RandomVector(new Random(3)), 2);

        var queries = _standIn.Requests.Where(r => r.Path.EndsWith("search.post.search", StringComparison.Ordinal)).Select(r => r.Body!["vectorQueries"]![0]!).ToList();
        Assert.That(queries.Select(q => (bool?)q["exhaustive"]), Is.EqualTo(new bool?[] { true, null }));
    }

    [Test]
    public async Task Search_FilterByClassificationAndVersion_SendsBothAndRanksOnlyThose()
    {
        var random = new Random(4);
        var current = RandomRecords(random, 30, "c", Current);
        var old = RandomRecords(random, 12, "o", "old-model");
        await _index.UpsertManyAsync([.. current, .. old]);
        var query = RandomVector(random);

        var found = await _index.SearchAsync(query, 4, new VectorFilter("LessIdeal", "old-model"));
        var filter = (string?)_standIn.Requests[^1].Body!["filter"];
        var unknownRequests = _standIn.Requests.Count;
        var unknown = await _index.SearchAsync(query, 4, new VectorFilter("Great"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(filter, Is.EqualTo("embedderVersion eq 'old-model' and classification eq 'LessIdeal'"));
            AssertSameRanking(found, BruteForce(old.Where(r => r.Classification == "LessIdeal"), query, 4), "old LessIdeal");
            Assert.That(unknown, Is.Empty);
            Assert.That(_standIn.Requests, Has.Count.EqualTo(unknownRequests), "an unknown classification matches nothing without asking");
        }
    }

    [Test]
    public async Task Count_SendsCountWithFilterAndNoRows()
    {
        var random = new Random(5);
        await _index.UpsertManyAsync([.. RandomRecords(random, 9, "c", Current), .. RandomRecords(random, 4, "o", "old-model")]);

        var all = await _index.CountAsync();
        var lessIdeal = await _index.CountAsync(new VectorFilter("LessIdeal"));
        var old = await _index.CountAsync(new VectorFilter(EmbedderVersion: "old-model"));

        var body = _standIn.Requests.Where(r => r.Path.EndsWith("search.post.search", StringComparison.Ordinal)).Select(r => r.Body!).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That((all, lessIdeal, old), Is.EqualTo((9, 3, 4)));
            Assert.That(body.Select(b => (bool?)b["count"]), Is.All.True);
            Assert.That(body.Select(b => (int?)b["top"]), Is.All.EqualTo(0));
            Assert.That(body.Select(b => (string?)b["filter"]), Is.EqualTo(new[]
            {
                $"embedderVersion eq '{Current}'",
                $"embedderVersion eq '{Current}' and classification eq 'LessIdeal'",
                "embedderVersion eq 'old-model'",
            }));
        }
    }

    [Test]
    public async Task Delete_LooksUpThenDeletes_FalseWhenAbsent()
    {
        var random = new Random(6);
        await _index.UpsertManyAsync(RandomRecords(random, 3, "r", Current));
        _standIn.ClearRequests();

        var deleted = await _index.DeleteAsync("r0001");
        var again = await _index.DeleteAsync("r0001");

        var requests = _standIn.Requests;
        var action = requests[1].Body!["value"]!.AsArray().Single()!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((deleted, again), Is.EqualTo((true, false)));
            Assert.That(requests.Select(r => (r.Method, r.Path)), Is.EqualTo(new[]
            {
                ("GET", $"/indexes('{IndexName}')/docs('r0001')"),
                ("POST", $"/indexes('{IndexName}')/docs/search.index"),
                ("GET", $"/indexes('{IndexName}')/docs('r0001')"),
            }));
            Assert.That((string?)action["@search.action"], Is.EqualTo("delete"));
            Assert.That((string?)action["id"], Is.EqualTo("r0001"));
            Assert.That(_standIn.Documents(IndexName).Keys, Is.EquivalentTo(new[] { "r0000", "r0002" }));
        }
    }

    [Test]
    public async Task UpsertMany_MoreThanABatch_SplitsIntoMergeOrUploadBatchesOfAtMost1000()
    {
        var records = RandomRecords(new Random(7), 2_345, "r", Current);

        await _index.UpsertManyAsync(records);

        var batches = _standIn.Requests.Where(r => r.Path.EndsWith("search.index", StringComparison.Ordinal)).Select(r => r.Body!["value"]!.AsArray()).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(batches.Select(b => b.Count), Is.EqualTo(new[] { 1000, 1000, 345 }));
            Assert.That(batches.SelectMany(b => b).Select(a => (string?)a!["@search.action"]), Is.All.EqualTo("mergeOrUpload"));
            Assert.That(await _index.CountAsync(), Is.EqualTo(2_345));
        }
    }

    [Test]
    public void BatchSize_LongVectors_StaysUnderTheRequestLimit()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(AzureSearchVectorIndex.BatchSize(16), Is.EqualTo(1000));
            Assert.That(AzureSearchVectorIndex.BatchSize(3072) * ((3072 * 16) + 256), Is.LessThanOrEqualTo(8 * 1024 * 1024));
            Assert.That(AzureSearchVectorIndex.BatchSize(3072), Is.GreaterThan(100));
        }
    }

    [Test]
    public async Task StaleIds_PagesByKeyWithNotEqualFilter_InOrdinalOrder()
    {
        var random = new Random(8);
        var stale = RandomRecords(random, 1_203, "s", "old-model");
        await _index.UpsertManyAsync([.. stale, .. RandomRecords(random, 5, "c", Current), .. RandomRecords(random, 2, "x", "older-model")]);
        _standIn.ClearRequests();

        var ids = await _index.StaleIdsAsync(Current);

        var pages = _standIn.Requests.Select(r => r.Body!).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ids, Is.EqualTo(stale.Select(r => r.Id).Concat(["x0000", "x0001"]).Order(StringComparer.Ordinal)));
            Assert.That(pages.Select(p => (string?)p["filter"]), Is.EqualTo(new[]
            {
                $"embedderVersion ne '{Current}'",
                $"embedderVersion ne '{Current}' and id gt 's0999'",
            }));
            Assert.That(pages.Select(p => (string?)p["orderby"]), Is.All.EqualTo("id asc"));
            Assert.That(pages.Select(p => (string?)p["select"]), Is.All.EqualTo("id"));
            Assert.That(pages.Select(p => (int?)p["top"]), Is.All.EqualTo(1000));
        }
    }

    [Test]
    public async Task FilterValues_WithAQuote_AreEscapedByDoublingIt()
    {
        const string quoted = "o'brien-embedder";
        var random = new Random(9);
        await _index.UpsertManyAsync([.. RandomRecords(random, 3, "q", quoted), .. RandomRecords(random, 2, "c", Current)]);

        var found = await _index.SearchAsync(RandomVector(random), 10, new VectorFilter(EmbedderVersion: quoted));
        var count = await _index.CountAsync(new VectorFilter("Ideal", quoted));
        var stale = await _index.StaleIdsAsync(quoted);

        var filters = _standIn.Requests.Where(r => r.Path.EndsWith("search.post.search", StringComparison.Ordinal)).Select(r => (string?)r.Body!["filter"]).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Select(m => m.Id), Is.EquivalentTo(new[] { "q0000", "q0001", "q0002" }));
            Assert.That(count, Is.EqualTo(2));
            Assert.That(stale, Is.EqualTo(new[] { "c0000", "c0001" }));
            Assert.That(filters, Is.EqualTo(new[]
            {
                "embedderVersion eq 'o''brien-embedder'",
                "embedderVersion eq 'o''brien-embedder' and classification eq 'Ideal'",
                "embedderVersion ne 'o''brien-embedder'",
            }));
            Assert.That(AzureSearchVectorIndex.Literal("it's ''odd'"), Is.EqualTo("'it''s ''''odd'''"));
        }
    }

    [Test]
    public async Task HttpError_SurfacesAsRequestFailedExceptionWithStatusAndMessage()
    {
        await _index.EnsureIndexAsync();
        _standIn.FailNext(503, "The service is too busy to process the request.");

        var ex = Assert.ThrowsAsync<RequestFailedException>(() => _index.SearchAsync(RandomVector(new Random(1)), 3));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Status, Is.EqualTo(503));
            Assert.That(ex.Message, Does.Contain("too busy"));
            Assert.That(_standIn.Requests.Count(r => r.Path.EndsWith("search.post.search", StringComparison.Ordinal)), Is.EqualTo(1), "no retries: the caller decides");
        }
    }

    [Test]
    public void WrongApiKey_SurfacesAs403()
    {
        using var index = new AzureSearchVectorIndex(_standIn.CreateClient("wrong-key"), IndexName, Dimensions, Current);

        var ex = Assert.ThrowsAsync<RequestFailedException>(() => index.CountAsync());

        Assert.That(ex!.Status, Is.EqualTo(403));
    }

    [Test]
    public void UpsertMany_SomeDocumentsRejected_ThrowsNamingThem()
    {
        _standIn.RejectKey("r0002");

        var ex = Assert.ThrowsAsync<RequestFailedException>(() => _index.UpsertManyAsync(RandomRecords(new Random(10), 4, "r", Current)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Status, Is.EqualTo(400));
            Assert.That(ex.Message, Does.Contain("1 of 4").And.Contain("'r0002'"));
        }
    }

    [Test]
    public void Upsert_WrongDimensionsOrKey_ThrowsBeforeAnyRequest()
    {
        var random = new Random(11);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => _index.UpsertAsync(new VectorRecord("short", RandomVector(random).AsMemory(0, 10), "Ideal", 50, Current)), Throws.ArgumentException.With.Message.Contains("10 dimensions"));
            Assert.That(() => _index.UpsertAsync(new VectorRecord("has space", RandomVector(random), "Ideal", 50, Current)), Throws.ArgumentException);
            Assert.That(() => _index.DeleteAsync("bad/key"), Throws.ArgumentException);
        }

        Assert.That(_standIn.Requests, Is.Empty);
    }

    [Test]
    public async Task Conformance_SameChecksAsTheEmbeddedIndex_AndTheSameTopKIds()
    {
        using var embedded = new EmbeddedVectorIndex(Current);

        var embeddedTranscript = await CheckAsync(embedded, Current, seed: 21);
        var azureTranscript = await CheckAsync(_index, Current, seed: 21);

        Assert.That(azureTranscript, Is.EqualTo(embeddedTranscript).AsCollection);
        Assert.That(azureTranscript.Sum(t => t.Length), Is.GreaterThan(100), "the transcript has real searches in it");
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public async Task SameDataInBothIndexes_GiveTheSameTopK(int seed)
    {
        using var embedded = new EmbeddedVectorIndex(Current);
        var random = new Random(seed);
        var records = RandomRecords(random, 150, "r", Current).Concat(RandomRecords(random, 20, "o", "old-model")).ToList();
        await embedded.UpsertManyAsync(records);
        await _index.UpsertManyAsync(records);

        foreach (var k in new[] { 1, 3, 10, 40 })
        {
            foreach (var filter in new VectorFilter?[] { null, new("Ideal"), new("LessIdeal"), new(EmbedderVersion: "old-model") })
            {
                var query = RandomVector(random, scale: 2);
                var expected = await embedded.SearchAsync(query, k, filter);
                var actual = await _index.SearchAsync(query, k, filter);
                using (Assert.EnterMultipleScope())
                {
                    Assert.That(actual.Select(m => (m.Id, m.Classification, m.Score)), Is.EqualTo(expected.Select(m => (m.Id, m.Classification, m.Score))), $"k={k} {filter}");
                    Assert.That(actual.Select(m => m.Similarity), Is.EqualTo(expected.Select(m => m.Similarity)).AsCollection.Within(1e-5));
                }
            }
        }
    }

    [TestCase(1.0, 1.0)]
    [TestCase(0.0, 0.5)]
    [TestCase(-1.0, 1.0 / 3)]
    [TestCase(0.6, 1 / 1.4)]
    public void ScoreAndCosine_ConvertBothWays(double cosine, double score)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(AzureSearchVectorIndex.ScoreFromCosine(cosine), Is.EqualTo(score).Within(1e-12));
            Assert.That(AzureSearchVectorIndex.CosineFromScore(score), Is.EqualTo(cosine).Within(1e-12));
        }
    }

    [Test]
    public void Constructor_BadArguments_Throw()
    {
        var client = _standIn.CreateClient();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => new AzureSearchVectorIndex(client, "Bad_Name", Dimensions, Current), Throws.ArgumentException);
            Assert.That(() => new AzureSearchVectorIndex(client, IndexName, 0, Current), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new AzureSearchVectorIndex(client, IndexName, 3073, Current), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new AzureSearchVectorIndex(client, IndexName, Dimensions, " "), Throws.ArgumentException);
        }
    }

    private AzureSearchVectorIndex NewIndex() => new(_standIn.CreateClient(), IndexName, Dimensions, Current);
}
