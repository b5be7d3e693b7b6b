using Azure.Storage.Queues;
using LeadScoring.Core.Storage;
using LeadScoring.Tests.Infrastructure;

namespace LeadScoring.Tests.Storage;

/// <summary>The score-requests queue as the product writes it and the queue trigger reads it (polling and poison are the host's: QueueTriggerListenerTests).</summary>
[TestFixture]
public sealed class ScoreRequestQueueTests
{
    private LeadScoringStorage _storage = null!;
    private ScoreRequestQueue _queue = null!;

    [SetUp]
    public async Task SetUp()
    {
        _storage = await TestStorage.CreateAsync();
        _queue = new ScoreRequestQueue(_storage);
    }

    [Test]
    public async Task Enqueue_WritesBase64JsonThatTheTriggerParsesBack()
    {
        var request = new ScoreRequest(ScoreRequestKind.Contact, "1051", "webhook:contact.creation", new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

        await _queue.EnqueueAsync(request);

        // Raw, as the Functions host sees it: Base64 (host.json messageEncoding's default) of the JSON.
        var raw = (await new QueueClient(await Azurite.ConnectionStringAsync(), _storage.Names.ScoreRequests).ReceiveMessagesAsync(1)).Value.Single();
        var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(raw.Body.ToString()));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ScoreRequestQueue.TryParse(text), Is.EqualTo(request));
            Assert.That(text, Does.Contain("\"objectId\":\"1051\""));
        }
    }

    [TestCase("not json")]
    [TestCase("""{"kind":"Contact","reason":"x","requestedAt":"2026-01-01T00:00:00Z"}""")]
    [TestCase("""{"kind":"Planet","objectId":"1","reason":"x","requestedAt":"2026-01-01T00:00:00Z"}""")]
    [TestCase("""{"kind":7,"objectId":"1","reason":"x","requestedAt":"2026-01-01T00:00:00Z"}""")]
    [TestCase("""{"kind":"Contact","objectId":"","reason":"x","requestedAt":"2026-01-01T00:00:00Z"}""")]
    [TestCase("""{"kind":"Contact","objectId":null,"reason":"x","requestedAt":"2026-01-01T00:00:00Z"}""")]
    [TestCase("""{"kind":"WebhookEvents","objectId":"0","reason":"x","requestedAt":"2026-01-01T00:00:00Z"}""")]
    [TestCase("null")]
    [TestCase("")]
    public void TryParse_MalformedBody_IsNull(string body) =>
        Assert.That(ScoreRequestQueue.TryParse(body), Is.Null);

    [Test]
    public void TryParse_UnknownExtraField_IsStillValid() =>
        Assert.That(
            ScoreRequestQueue.TryParse("""{"kind":"company","objectId":"77","reason":"x","requestedAt":"2026-01-01T00:00:00Z","priority":3}"""),
            Is.EqualTo(new ScoreRequest(ScoreRequestKind.Company, "77", "x", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))));

    [Test]
    public async Task Poison_PutsTheRequestOnThePoisonQueue()
    {
        var request = new ScoreRequest(ScoreRequestKind.Contact, "1042", "gave-up:ReadContacts", DateTimeOffset.UnixEpoch);

        await _queue.PoisonAsync(request);

        var poisoned = (await _storage.Queue(_storage.Names.ScoreRequestsPoison).PeekMessagesAsync(32)).Value;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _queue.ApproximateCountAsync(), Is.Zero);
            Assert.That(await _queue.PoisonCountAsync(), Is.EqualTo(1));
            Assert.That(poisoned.Select(p => ScoreRequestQueue.TryParse(p.Body.ToString())), Is.EqualTo(new[] { request }));
        }
    }

    [Test]
    public void Enqueue_EmptyObjectId_Throws() =>
        Assert.That(() => _queue.EnqueueAsync(new ScoreRequest(ScoreRequestKind.Contact, " ", "test", DateTimeOffset.UnixEpoch)), Throws.ArgumentException);
}
