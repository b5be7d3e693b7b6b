using System.Text;
using Azure.Storage.Queues;
using LeadScoring.Core.Storage;
using LeadScoring.Tests.Infrastructure;

namespace LeadScoring.Tests.Storage;

[TestFixture]
public sealed class ScoreRequestQueueTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    private LeadScoringStorage _storage = null!;
    private ScoreRequestQueue _queue = null!;

    [SetUp]
    public async Task SetUp()
    {
        _storage = await TestStorage.CreateAsync();
        _queue = new ScoreRequestQueue(_storage);
    }

    [Test]
    public async Task Enqueue_ReceiveThenComplete_RoundTripsAndEmptiesQueue()
    {
        var request = new ScoreRequest(ScoreRequestKind.Contact, "51", "webhook:contact.creation", new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

        await _queue.EnqueueAsync(request);
        var countBefore = await _queue.ApproximateCountAsync();
        var received = await _queue.ReceiveAsync(10, Long);
        await _queue.CompleteAsync(received[0]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(countBefore, Is.EqualTo(1));
            Assert.That(received, Has.Count.EqualTo(1));
            Assert.That(received[0].Request, Is.EqualTo(request));
            Assert.That(received[0].DequeueCount, Is.EqualTo(1));
            Assert.That(received[0].RawBody, Does.Contain("\"objectId\":\"51\"").And.Contain("\"kind\":\"Contact\""));
            Assert.That(await _queue.ApproximateCountAsync(), Is.Zero);
            Assert.That(await _queue.ReceiveAsync(10, Long), Is.Empty);
        }
    }

    [Test]
    public async Task Receive_WebhookWorkWaiting_ComesBeforeTheBatchLane_WhichFillsTheRest()
    {
        await _queue.EnqueueManyAsync(Enumerable.Range(1, 40).Select(i => Contact($"b{i}")), ScoreLane.Batch);
        await _queue.EnqueueManyAsync([Contact("w1"), Contact("w2")]);

        var first = await _queue.ReceiveAsync(16, Long);
        foreach (var message in first)
        {
            await _queue.CompleteAsync(message);
        }

        var rest = await _queue.ReceiveAsync(32, Long);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Where(m => m.Lane == ScoreLane.Now).Select(m => m.Request!.ObjectId), Is.EquivalentTo(new[] { "w1", "w2" }), "webhook work first");
            Assert.That(first, Has.Count.EqualTo(16), "the batch lane fills the rest of the batch");
            Assert.That(first.Count(m => m.Lane == ScoreLane.Batch), Is.EqualTo(14));
            Assert.That(rest, Has.Count.EqualTo(26), "completed batch-lane messages are gone from their own queue");
            Assert.That(rest.Select(m => m.Lane), Is.All.EqualTo(ScoreLane.Batch));
            Assert.That(await _queue.ApproximateCountAsync(), Is.EqualTo(26), "both lanes are counted");
        }
    }

    [Test]
    public async Task Enqueue_Body_IsBase64JsonAsAzureFunctionsExpects()
    {
        await _queue.EnqueueAsync(new ScoreRequest(ScoreRequestKind.Deal, "9001", "batch", DateTimeOffset.UnixEpoch));

        var raw = new QueueClient(await Azurite.ConnectionStringAsync(), _storage.Names.ScoreRequests);
        var peeked = (await raw.PeekMessagesAsync(1)).Value.Single();
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(peeked.Body.ToString()));

        Assert.That(json, Is.EqualTo("""{"kind":"Deal","objectId":"9001","reason":"batch","requestedAt":"1970-01-01T00:00:00+00:00"}"""));
    }

    [Test]
    public async Task Receive_DuringVisibilityTimeout_MessageIsHidden()
    {
        await _queue.EnqueueAsync(Contact("1"));

        var first = await _queue.ReceiveAsync(1, Long);
        var second = await _queue.ReceiveAsync(1, Long);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Has.Count.EqualTo(1));
            Assert.That(second, Is.Empty);
            Assert.That(await _queue.ApproximateCountAsync(), Is.EqualTo(1), "an invisible message is still on the queue");
        }
    }

    [Test]
    public async Task Receive_AfterVisibilityTimeout_RedeliversWithHigherDequeueCount()
    {
        await _queue.EnqueueAsync(Contact("2"));

        var first = (await _queue.ReceiveAsync(1, TimeSpan.FromSeconds(1))).Single();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var again = (await _queue.ReceiveAsync(1, Long)).Single();

        // The first receiver's pop receipt is stale: completing with it must neither throw nor delete the redelivered message.
        await _queue.CompleteAsync(first);
        var countAfterStaleComplete = await _queue.ApproximateCountAsync();
        await _queue.CompleteAsync(again);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.MessageId, Is.EqualTo(first.MessageId));
            Assert.That(first.DequeueCount, Is.EqualTo(1));
            Assert.That(again.DequeueCount, Is.EqualTo(2));
            Assert.That(countAfterStaleComplete, Is.EqualTo(1));
            Assert.That(await _queue.ApproximateCountAsync(), Is.Zero);
        }
    }

    [Test]
    public async Task Complete_Twice_IsNotAnError()
    {
        await _queue.EnqueueAsync(Contact("3"));
        var message = (await _queue.ReceiveAsync(1, Long)).Single();

        await _queue.CompleteAsync(message);

        Assert.That(() => _queue.CompleteAsync(message), Throws.Nothing);
    }

    [Test]
    public async Task Receive_MalformedBodies_GiveNullRequestWithRawBody()
    {
        string[] malformed =
        [
            "not json",
            """{"kind":"Contact","reason":"x","requestedAt":"2026-01-01T00:00:00Z"}""",
            """{"kind":"Planet","objectId":"1","reason":"x","requestedAt":"2026-01-01T00:00:00Z"}""",
            """{"kind":7,"objectId":"1","reason":"x","requestedAt":"2026-01-01T00:00:00Z"}""",
            """{"kind":"Contact","objectId":"","reason":"x","requestedAt":"2026-01-01T00:00:00Z"}""",
            """{"kind":"Contact","objectId":null,"reason":"x","requestedAt":"2026-01-01T00:00:00Z"}""",
            "null",
        ];
        var encoded = _storage.Queue(_storage.Names.ScoreRequests);
        foreach (var body in malformed)
        {
            await encoded.SendMessageAsync(body);
        }

        // Another producer that does not Base64-encode: must not make the whole receive fail.
        var raw = new QueueClient(await Azurite.ConnectionStringAsync(), _storage.Names.ScoreRequests);
        await raw.SendMessageAsync("plain <text> body");

        var received = await _queue.ReceiveAsync(32, Long);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(received.Select(m => m.RawBody), Is.EquivalentTo(malformed.Append("plain <text> body")));
            Assert.That(received.Select(m => m.Request), Is.All.Null);
        }
    }

    [Test]
    public async Task Receive_UnknownExtraField_IsStillValid()
    {
        await _storage.Queue(_storage.Names.ScoreRequests)
            .SendMessageAsync("""{"kind":"company","objectId":"77","reason":"x","requestedAt":"2026-01-01T00:00:00Z","priority":3}""");

        var received = (await _queue.ReceiveAsync(1, Long)).Single();

        Assert.That(received.Request, Is.EqualTo(new ScoreRequest(ScoreRequestKind.Company, "77", "x", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))));
    }

    [Test]
    public async Task MoveToPoison_Malformed_PutsBodyOnPoisonQueueAndRemovesOriginal()
    {
        await _storage.Queue(_storage.Names.ScoreRequests).SendMessageAsync("{broken");
        var message = (await _queue.ReceiveAsync(1, Long)).Single();

        await _queue.MoveToPoisonAsync(message);

        var poisoned = (await _storage.Queue(_storage.Names.ScoreRequestsPoison).PeekMessagesAsync(32)).Value;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _queue.ApproximateCountAsync(), Is.Zero);
            Assert.That(await _queue.PoisonCountAsync(), Is.EqualTo(1));
            Assert.That(poisoned.Select(p => p.Body.ToString()), Is.EqualTo(new[] { "{broken" }));
        }
    }

    [Test]
    public async Task EnqueueMany_MoreThanOneReceiveCall_ReceiveLoopsToMaxMessages()
    {
        var requests = Enumerable.Range(1, 70).Select(i => Contact($"{i}")).ToList();

        await _queue.EnqueueManyAsync(requests);
        var count = await _queue.ApproximateCountAsync();
        var first = await _queue.ReceiveAsync(50, Long);
        var rest = await _queue.ReceiveAsync(50, Long);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(count, Is.EqualTo(70));
            Assert.That(first, Has.Count.EqualTo(50));
            Assert.That(rest, Has.Count.EqualTo(20));
            Assert.That(first.Concat(rest).Select(m => m.Request!.ObjectId), Is.EquivalentTo(requests.Select(r => r.ObjectId)));
            Assert.That(await _queue.PoisonCountAsync(), Is.Zero);
        }
    }

    [Test]
    public void Enqueue_EmptyObjectId_Throws() =>
        Assert.That(() => _queue.EnqueueAsync(Contact(" ")), Throws.ArgumentException);

    private static ScoreRequest Contact(string id) => new(ScoreRequestKind.Contact, id, "test", DateTimeOffset.UtcNow);
}
