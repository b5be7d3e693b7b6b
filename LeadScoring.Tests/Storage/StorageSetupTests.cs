using Azure.Storage.Queues.Models;
using LeadScoring.Core.Storage;
using LeadScoring.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.Storage;

[TestFixture]
public sealed class StorageSetupTests
{
    [Test]
    public void StorageNames_Prefix_PrefixesEveryQueueAndTable()
    {
        var names = new StorageNames("t1a2b3c4d");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(names.ScoreRequests, Is.EqualTo("t1a2b3c4dscore-requests"));
            Assert.That(names.ScoreRequestsPoison, Is.EqualTo("t1a2b3c4dscore-requests-poison"));
            Assert.That(names.WebhookEvents, Is.EqualTo("t1a2b3c4dWebhookEvents"));
            Assert.That(names.Queues, Is.EquivalentTo(new[] { names.ScoreRequests, names.ScoreRequestsPoison }));
            Assert.That(names.Tables, Has.Count.EqualTo(13).And.All.StartWith("t1a2b3c4d"));
            Assert.That(names.BlobContainers, Is.EqualTo(new[] { "t1a2b3c4dmodels", "t1a2b3c4ddataprotection" }));
            Assert.That(names.Tables, Does.Contain("t1a2b3c4dTrainingRecords").And.Contain("t1a2b3c4dTrainingVectors").And.Contain("t1a2b3c4dLeadIndex").And.Contain("t1a2b3c4dLeadIndexById"));
            Assert.That(new StorageNames().Tables, Does.Contain("PipelineErrors"));
            Assert.That(new StorageNames().ScoreRequests, Is.EqualTo("score-requests"));
        }
    }

    [TestCase("T1")]
    [TestCase("1abc")]
    [TestCase("a-b")]
    [TestCase("abcdefghijklm")]
    [TestCase("abc\n")]
    public void StorageNames_InvalidPrefix_Throws(string prefix) =>
        Assert.That(() => new StorageNames(prefix), Throws.ArgumentException);

    [Test]
    public async Task EnsureCreated_Twice_CreatesEveryQueueAndTableOnce()
    {
        var storage = await TestStorage.CreateAsync();

        await storage.EnsureCreatedAsync();

        var tables = new List<string>();
        await foreach (var table in storage.TableService.QueryAsync(filter: (string?)null))
        {
            tables.Add(table.Name);
        }

        var queues = new List<string>();
        await foreach (var queue in storage.QueueService.GetQueuesAsync(QueueTraits.None, prefix: storage.Names.Prefix))
        {
            queues.Add(queue.Name);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tables.Where(t => t.StartsWith(storage.Names.Prefix, StringComparison.Ordinal)), Is.EquivalentTo(storage.Names.Tables));
            Assert.That(queues, Is.EquivalentTo(storage.Names.Queues));
        }
    }

    [Test]
    public async Task Table_And_Queue_SameName_ReturnCachedClients()
    {
        var storage = new LeadScoringStorage(await Azurite.ConnectionStringAsync(), new StorageNames(TestStorage.NewPrefix()));
        var table = storage.Table(storage.Names.Checkpoints);
        var queue = storage.Queue(storage.Names.ScoreRequests);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(storage.Table(storage.Names.Checkpoints), Is.SameAs(table));
            Assert.That(storage.Queue(storage.Names.ScoreRequests), Is.SameAs(queue));
        }
    }

    [Test]
    public async Task AddLeadScoringStorage_Resolve_GivesSingletonsWithPrefix()
    {
        var connection = await Azurite.ConnectionStringAsync();
        await using var provider = new ServiceCollection().AddLeadScoringStorage(_ => connection, "tdi").BuildServiceProvider();
        var queue = provider.GetRequiredService<ScoreRequestQueue>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(provider.GetRequiredService<LeadScoringStorage>().Names.ScoreRequests, Is.EqualTo("tdiscore-requests"));
            Assert.That(provider.GetRequiredService<ScoreRequestQueue>(), Is.SameAs(queue));
            Assert.That(provider.GetService<WebhookEventLedger>(), Is.Not.Null);
            Assert.That(provider.GetService<ScoreHistoryStore>(), Is.Not.Null);
            Assert.That(provider.GetService<LastWrittenScoreStore>(), Is.Not.Null);
            Assert.That(provider.GetService<EnrollmentStore>(), Is.Not.Null);
            Assert.That(provider.GetService<CheckpointStore>(), Is.Not.Null);
            Assert.That(provider.GetService<PipelineErrorLog>(), Is.Not.Null);
        }
    }
}
