using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace LeadScoring.LocalHost;

/// <summary>
/// A <c>[QueueTrigger]</c> as the Functions host runs it (host.json <c>extensions.queues</c>): up to batchSize messages
/// at once, a new batch when fewer than newBatchThreshold are in flight; an empty queue is polled with backoff from
/// 100 ms to maxPollingInterval; a message is deleted when the function returns; one that throws becomes visible
/// again after visibilityTimeout, and after maxDequeueCount failed deliveries is moved to <c>{queue}-poison</c>.
/// One difference, stated: a message is received hidden for <see cref="ReceiveVisibility"/> and not renewed (the
/// Functions host hides it for 10 minutes and renews), so after a crash it reappears within 30 s.
/// </summary>
internal sealed partial class QueueTriggerListener(
    FunctionEntry entry, QueueClient queue, QueueClient poison, QueueTriggerOptions options, IServiceScopeFactory scopes, TimeProvider clock, ILogger<QueueTriggerListener> logger)
    : BackgroundService
{
    public static readonly TimeSpan ReceiveVisibility = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    public FunctionEntry Function => entry;

    public string QueueName => queue.Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inFlight = new List<Task>();
        var wait = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            inFlight.RemoveAll(t => t.IsCompleted);
            if (inFlight.Count > options.NewBatchThreshold)
            {
                await Task.WhenAny(inFlight).ConfigureAwait(false);
                continue;
            }

            QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(Math.Min(32, options.BatchSize), ReceiveVisibility, stoppingToken).ConfigureAwait(false)).Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Storage unreachable, say: keep polling; messages are safe on the queue.
                LogPollFailed(logger, ex, queue.Name);
                messages = [];
            }

            inFlight.AddRange(messages.Select(m => ProcessAsync(m, stoppingToken)));
            wait = messages.Length > 0 ? MinPollingInterval : TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, options.MaxPollingInterval.Ticks));
            if (messages.Length == 0)
            {
                await Task.Delay(wait, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(inFlight).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var text = Decode(message.Body);
            await FunctionInvoker.InvokeAsync(entry, scope.ServiceProvider, parameter =>
                parameter.ParameterType == typeof(string) && FunctionEntry.TriggerOf(parameter) == TriggerKind.QueueTrigger ? (true, text)
                : parameter.ParameterType == typeof(QueueMessage) ? (true, message)
                : (false, null), stoppingToken).ConfigureAwait(false);
            await DeleteAsync(message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the message reappears after its visibility timeout and is processed then.
        }
        catch (Exception ex)
        {
            LogFunctionFailed(logger, ex, entry.Name, message.MessageId, message.DequeueCount);
            await FailAsync(message).ConfigureAwait(false);
        }
    }

    private async Task FailAsync(QueueMessage message)
    {
        try
        {
            if (message.DequeueCount >= options.MaxDequeueCount)
            {
                // Copied first, then deleted: a crash in between duplicates, never loses.
                await poison.CreateIfNotExistsAsync().ConfigureAwait(false);
                await poison.SendMessageAsync(message.Body).ConfigureAwait(false);
                await DeleteAsync(message, CancellationToken.None).ConfigureAwait(false);
                LogPoisoned(logger, message.MessageId, poison.Name, message.DequeueCount);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: options.VisibilityTimeout).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException ex)
        {
            // Storage is failing too: the message reappears after its receive visibility and is retried then.
            LogPollFailed(logger, ex, queue.Name);
        }
    }

    private async Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 || ex.ErrorCode == "PopReceiptMismatch")
        {
            // Gone already, or redelivered to another receiver that now owns it.
        }
    }

    /// <summary>Base64 as the Functions host expects by default (host.json messageEncoding base64); other text as it is.</summary>
    private static string Decode(BinaryData body)
    {
        var text = body.ToString();
        var bytes = new byte[text.Length * 3 / 4 + 3];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            try
            {
                return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
            }
            catch (System.Text.DecoderFallbackException)
            {
                return text;
            }
        }

        return text;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling queue {Queue} failed; retrying")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {Function} failed for message {MessageId} (delivery {DequeueCount})")]
    private static partial void LogFunctionFailed(ILogger logger, Exception exception, string function, string messageId, long dequeueCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} moved to {Poison} after {DequeueCount} deliveries")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string poison, long dequeueCount);
}
