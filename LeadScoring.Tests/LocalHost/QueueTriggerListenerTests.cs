using System.Collections.Concurrent;
using Azure.Storage.Queues;
using LeadScoring.LocalHost;
using LeadScoring.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LeadScoring.Tests.LocalHost;

/// <summary>The local host's queue trigger against Azurite, with the Functions host's semantics from host.json.</summary>
[TestFixture]
public sealed class QueueTriggerListenerTests
{
    private static readonly ConcurrentDictionary<string, int> Calls = new();

    [Test]
    public async Task Message_IsPassedDecodedAndDeletedWhenTheFunctionReturns()
    {
        var (queue, poison) = await QueuesAsync();
        await new QueueClient(await Azurite.ConnectionStringAsync(), queue.Name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).SendMessageAsync("ok-1");
        await queue.SendMessageAsync("plain <not base64> text");

        await RunListenerAsync(queue, poison, new QueueTriggerOptions { MaxPollingInterval = TimeSpan.FromMilliseconds(200) }, () => Calls.ContainsKey("ok-1") && Calls.ContainsKey("plain <not base64> text"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Calls.GetValueOrDefault("ok-1"), Is.EqualTo(1), "Base64 bodies arrive decoded");
            Assert.That(Calls.GetValueOrDefault("plain <not base64> text"), Is.EqualTo(1), "other bodies arrive as they are");
            Assert.That((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount, Is.Zero);
        }
    }

    [Test]
    public async Task FailingMessage_IsRetriedAfterTheVisibilityTimeout_ThenMovedToPoisonAfterMaxDequeueCount()
    {
        var (queue, poison) = await QueuesAsync();
        var body = $"fail-{Guid.NewGuid():N}";
        await queue.SendMessageAsync(body);
        var options = new QueueTriggerOptions { MaxDequeueCount = 3, VisibilityTimeout = TimeSpan.FromMilliseconds(200), MaxPollingInterval = TimeSpan.FromMilliseconds(200) };

        await RunListenerAsync(queue, poison, options, () => poison.Exists().Value && poison.GetProperties().Value.ApproximateMessagesCount > 0);

        var poisoned = (await poison.PeekMessagesAsync(10)).Value;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Calls.GetValueOrDefault(body), Is.EqualTo(3), "one call per delivery, maxDequeueCount deliveries");
            Assert.That(poisoned.Select(m => m.Body.ToString()), Is.EqualTo(new[] { body }), "the body is moved as it was");
            Assert.That((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount, Is.Zero);
        }
    }

    [Function("QueueTriggerListenerTestFunction")]
    public static Task RunAsync([QueueTrigger("test")] string message)
    {
        Calls.AddOrUpdate(message, 1, (_, n) => n + 1);
        return message.StartsWith("fail-", StringComparison.Ordinal) ? throw new InvalidOperationException("planned failure") : Task.CompletedTask;
    }

    private static async Task<(QueueClient Queue, QueueClient Poison)> QueuesAsync()
    {
        var connection = await Azurite.ConnectionStringAsync();
        var name = "q" + Guid.NewGuid().ToString("N")[..12];
        var queue = new QueueClient(connection, name);
        var poison = new QueueClient(connection, $"{name}-poison");
        await queue.CreateAsync();
        return (queue, poison);
    }

    private static async Task RunListenerAsync(QueueClient queue, QueueClient poison, QueueTriggerOptions options, Func<bool> done)
    {
        var method = typeof(QueueTriggerListenerTests).GetMethod(nameof(RunAsync))!;
        var entry = new FunctionEntry("QueueTriggerListenerTestFunction", method, TriggerKind.QueueTrigger, null, [], "test", null);
        await using var services = new ServiceCollection().BuildServiceProvider();
        using var listener = new QueueTriggerListener(entry, queue, poison, options, services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System, NullLogger<QueueTriggerListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await Task.Delay(300); // a delete or a move in flight lands
        await listener.StopAsync(CancellationToken.None);
        Assert.That(done(), Is.True, "the listener did what was expected within 30 s");
    }
}
