using System.Globalization;
using Azure;
using LeadScoring.Core.Pipeline;
using LeadScoring.Core.Storage;
using LeadScoring.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace LeadScoring.Tests.Storage;

/// <summary>The webhook endpoint's group commit, against Azurite.</summary>
[TestFixture]
public sealed class WebhookEventBufferTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Submit_ManyConcurrentWebhooks_AreQueuedTogetherInFewerMessagesAndNoneIsLost()
    {
        var storage = await TestStorage.CreateAsync();
        var queue = new ScoreRequestQueue(storage);
        await using var buffer = new WebhookEventBuffer(queue, TimeProvider.System, NullLogger<WebhookEventBuffer>.Instance);
        var submitted = Enumerable.Range(1, 300).Select(i => Event(i)).ToList();

        await Task.WhenAll(submitted.Select(e => Task.Run(() => buffer.SubmitAsync([e]))));

        var messages = await ReceiveAllAsync(queue);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(messages.Select(m => m.Request!.Kind), Is.All.EqualTo(ScoreRequestKind.WebhookEvents));
            Assert.That(messages.SelectMany(m => m.Request!.Events!).Select(e => e.Key), Is.EquivalentTo(submitted.Select(e => e.Key)));
            Assert.That(messages, Has.Count.LessThan(300), "concurrent webhooks share messages");
            Assert.That(messages.Select(m => m.Request!.Events!.Count), Is.All.LessThanOrEqualTo(WebhookEventBuffer.MaxEventsPerMessage));
            Assert.That(messages.Select(m => m.Request!.ObjectId), Is.EqualTo(messages.Select(m => m.Request!.Events!.Count.ToString(CultureInfo.InvariantCulture))));
        }
    }

    [Test]
    public async Task Submit_MoreEventsThanOneMessageHolds_SplitsThem()
    {
        var storage = await TestStorage.CreateAsync();
        var queue = new ScoreRequestQueue(storage);
        await using var buffer = new WebhookEventBuffer(queue, TimeProvider.System, NullLogger<WebhookEventBuffer>.Instance);
        var submitted = Enumerable.Range(1, (WebhookEventBuffer.MaxEventsPerMessage * 2) + 1).Select(i => Event(i)).ToList();

        await buffer.SubmitAsync(submitted);

        var messages = await ReceiveAllAsync(queue);
        Assert.That(messages.Select(m => m.Request!.Events!.Count).Order(), Is.EqualTo(new[] { 1, WebhookEventBuffer.MaxEventsPerMessage, WebhookEventBuffer.MaxEventsPerMessage }));
        Assert.That(messages.Max(m => m.Body.Length), Is.LessThan(48 * 1024), "a full message stays inside the queue's 64 KB after base64");
    }

    [Test]
    public async Task Submit_QueueMissing_FailsTheWaitingRequestAndTheNextOneStillWorks()
    {
        var storage = new LeadScoringStorage(await Azurite.ConnectionStringAsync(), new StorageNames(TestStorage.NewPrefix())); // queues never created
        var queue = new ScoreRequestQueue(storage);
        await using var buffer = new WebhookEventBuffer(queue, TimeProvider.System, NullLogger<WebhookEventBuffer>.Instance);

        var failure = Assert.ThrowsAsync<RequestFailedException>(() => buffer.SubmitAsync([Event(1)]));
        await storage.EnsureCreatedAsync();
        await buffer.SubmitAsync([Event(2)]);

        Assert.That(failure!.Status, Is.EqualTo(404));
        Assert.That((await ReceiveAllAsync(queue)).SelectMany(m => m.Request!.Events!).Select(e => e.ObjectId), Is.EqualTo(new[] { "2" }));
    }

    [Test]
    public async Task Submit_AfterDispose_IsRefusedWithAClearError()
    {
        var storage = await TestStorage.CreateAsync();
        var buffer = new WebhookEventBuffer(new ScoreRequestQueue(storage), TimeProvider.System, NullLogger<WebhookEventBuffer>.Instance);
        await buffer.DisposeAsync();

        var error = Assert.Throws<ObjectDisposedException>(() => buffer.SubmitAsync([Event(1)]));

        Assert.That(error!.Message, Does.Contain("HubSpot will retry"));
    }

    [Test]
    public async Task Enqueue_WebhookEventsWithoutEvents_IsRefusedNamingTheKind()
    {
        var queue = new ScoreRequestQueue(await TestStorage.CreateAsync());

        var error = Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueAsync(new ScoreRequest(ScoreRequestKind.WebhookEvents, "0", "webhook", DateTimeOffset.UnixEpoch)));

        Assert.That(error!.Message, Does.Contain("WebhookEvents").And.Contain("0 events"));
    }

    private static async Task<List<(ScoreRequest? Request, string Body)>> ReceiveAllAsync(ScoreRequestQueue queue)
    {
        var client = queue.Client;
        var all = new List<(ScoreRequest?, string)>();
        while ((await client.ReceiveMessagesAsync(32, Long)).Value is { Length: > 0 } batch)
        {
            all.AddRange(batch.Select(m => (ScoreRequestQueue.TryParse(m.Body.ToString()), m.Body.ToString())));
        }

        return all;
    }

    private static AcceptedWebhookEvent Event(int i) =>
        new(1000001, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))), ScoreRequestKind.Contact, i.ToString(CultureInfo.InvariantCulture), "contact.propertyChange");
}
