using LeadScoring.Core.Scoring;
using LeadScoring.Core.Training;
using LeadScoring.Core.Training.Similarity;
using LeadScoring.Tests.Storage;

namespace LeadScoring.Tests.Training;

/// <summary>
/// On Azurite: a contact has one training record (classifying again replaces it, undo puts back the one before), older
/// duplicates are merged, and a lead's own record is never its own look-alike.
/// </summary>
[TestFixture]
public sealed class OneRecordPerContactTests
{
    private static readonly LeadFeatures Lead = new() { Industry = "COMPUTER_SOFTWARE", EmployeeCount = 400, Country = "US", EmailOpens = 12 };

    [Test]
    public async Task Create_SameContactTwice_OneRecordWithTheSecondVerdict()
    {
        var (service, store, index) = await ServiceAsync();

        await CreateAsync(service, "1001", "Ideal", 90);
        var (second, _) = await service.CreateAsync(Input("1001", "LessIdeal", 20), "Manager");

        var all = await AllAsync(store);
        Assert.That(all.Select(r => (r.Id, r.ContactId, r.Classification, r.Score)), Is.EqualTo(new[] { ("c1001", (string?)"1001", TrainingClassification.LessIdeal, 20) }));
        Assert.That(second!.Id, Is.EqualTo("c1001"));
        Assert.That(await index.CountAsync(), Is.EqualTo(1), "one vector too");
        index.Dispose();
    }

    [Test]
    public async Task Undo_AfterReclassify_RestoresThePreviousVerdict_AndUndoAgainRedoes()
    {
        var (service, store, index) = await ServiceAsync();
        await CreateAsync(service, "1002", "Ideal", 90);
        await CreateAsync(service, "1002", "LessIdeal", 20);

        var (found, restored) = await service.UndoAsync("c1002");
        var afterUndo = await store.GetAsync("c1002");
        var (_, redone) = await service.UndoAsync("c1002");

        Assert.That((found, restored?.Classification, afterUndo?.Score), Is.EqualTo((true, (TrainingClassification?)TrainingClassification.Ideal, (int?)90)));
        Assert.That(redone?.Classification, Is.EqualTo(TrainingClassification.LessIdeal));
        Assert.That((await index.SearchAsync(await EmbedAsync(), 5)).Single().Classification, Is.EqualTo("LessIdeal"), "the vector follows the record");
        index.Dispose();
    }

    [Test]
    public async Task Undo_FirstClassification_RemovesIt_AndADeleteCanBeUndone()
    {
        var (service, store, index) = await ServiceAsync();
        await CreateAsync(service, "1003", "Ideal", 90);

        var (_, afterUndo) = await service.UndoAsync("c1003");
        Assert.That((afterUndo, await store.GetAsync("c1003"), await index.CountAsync()), Is.EqualTo(((TrainingRecord?)null, (TrainingRecord?)null, 0)));

        await service.UndoAsync("c1003"); // redo
        Assert.That(await service.DeleteAsync("c1003"), Is.True);
        var (_, restored) = await service.UndoAsync("c1003");
        Assert.That((restored?.Score, await index.CountAsync()), Is.EqualTo(((int?)90, 1)));
        Assert.That((await service.UndoAsync("nothing")).Found, Is.False);
        index.Dispose();
    }

    [Test]
    public async Task MergePerContact_RecordsStoredTwiceBefore_LeavesTheNewestAsTheContactsRecord()
    {
        var (service, store, index) = await ServiceAsync();
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var (id, days, score) in new[] { ("a1", 0, 80), ("a2", 1, 81), ("a3", 2, 82) })
        {
            await store.PutAsync(new TrainingRecord
            {
                Id = id, ContactId = "1004", Classification = TrainingClassification.Ideal, Score = score, Attributes = [], Features = Lead, CreatedAt = at.AddDays(days), CreatedBy = "Manager",
            });
        }

        var removed = await service.MergePerContactAsync();

        Assert.That(removed, Is.EqualTo(3));
        Assert.That((await AllAsync(store)).Select(r => (r.Id, r.Score)), Is.EqualTo(new[] { ("c1004", 82) }));
        Assert.That((await store.GetPreviousAsync("c1004"))?.Score, Is.EqualTo(81), "the one before is kept for undo");
        Assert.That(await service.MergePerContactAsync(), Is.Zero, "idempotent");
        index.Dispose();
    }

    [Test]
    public async Task FindSimilar_LeadWithItsOwnRecord_OwnRecordIsNotANeighbour()
    {
        var (service, _, index) = await ServiceAsync();
        await CreateAsync(service, "1005", "Ideal", 95);
        await service.CreateAsync(new TrainingRecordInput { Classification = "LessIdeal", Score = 30, Features = Lead with { Country = "DE", EmployeeCount = 20 } }, "Manager");
        var similar = new SimilarLeads(new HashingEmbeddingGenerator(256), index, ScoringProfile.Default);

        var own = await similar.FindAsync(Lead, "1005");
        var anyone = await similar.FindAsync(Lead, contactId: null);

        Assert.That(anyone[0].Id, Is.EqualTo("c1005"), "without the exclusion the lead's own record is its nearest, at ~1");
        Assert.That(anyone[0].Similarity, Is.GreaterThan(0.99));
        Assert.That(own.Select(n => n.Id), Does.Not.Contain("c1005"));
        Assert.That(own, Has.Count.EqualTo(1));
        index.Dispose();
    }

    private static async Task<ReadOnlyMemory<float>> EmbedAsync() =>
        (await new HashingEmbeddingGenerator(256).GenerateAsync([LeadDocument.ToText(Lead, null)]))[0].Vector;

    private static TrainingRecordInput Input(string contactId, string classification, int score) =>
        new() { ContactId = contactId, Classification = classification, Score = score, Features = Lead };

    private static async Task CreateAsync(TrainingRecordService service, string contactId, string classification, int score)
    {
        var (record, errors) = await service.CreateAsync(Input(contactId, classification, score), "Manager");
        Assert.That(errors, Is.Empty);
        Assert.That(record, Is.Not.Null);
    }

    private static async Task<List<TrainingRecord>> AllAsync(TrainingRecordStore store)
    {
        var all = new List<TrainingRecord>();
        await foreach (var record in store.AllAsync())
        {
            all.Add(record);
        }

        return all;
    }

    private static async Task<(TrainingRecordService Service, TrainingRecordStore Store, EmbeddedVectorIndex Index)> ServiceAsync() =>
        TrainingServices.Create(await TestStorage.CreateAsync(), new HashingEmbeddingGenerator(256));
}
