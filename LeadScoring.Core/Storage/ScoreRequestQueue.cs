using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;

namespace LeadScoring.Core.Storage;

/// <summary>The score-requests queue and its poison queue.</summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a storage queue; the name is the agreed API.")]
public sealed class ScoreRequestQueue(LeadScoringStorage storage)
{
    /// <summary>Azure's limit of messages per receive call.</summary>
    public const int MaxMessagesPerReceive = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly QueueClient _queue = storage.Queue(storage.Names.ScoreRequests);
    private readonly QueueClient _rawQueue = storage.RawQueue(storage.Names.ScoreRequests);
    private readonly QueueClient _poison = storage.Queue(storage.Names.ScoreRequestsPoison);
    private readonly QueueClient _batch = storage.Queue(storage.Names.ScoreRequestsBatch);
    private readonly QueueClient _rawBatch = storage.RawQueue(storage.Names.ScoreRequestsBatch);

    public async Task EnqueueAsync(ScoreRequest request, CancellationToken cancellationToken = default)
    {
        var body = Serialize(request);
        await _queue.SendMessageAsync(body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends every request, several at a time; the order on the queue is not kept.</summary>
    public Task EnqueueManyAsync(IEnumerable<ScoreRequest> requests, CancellationToken cancellationToken = default) =>
        EnqueueManyAsync(requests, ScoreLane.Now, cancellationToken);

    /// <summary>Sends every request to the lane's queue, several at a time; the order on the queue is not kept.</summary>
    public async Task EnqueueManyAsync(IEnumerable<ScoreRequest> requests, ScoreLane lane, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var bodies = requests.Select(Serialize).ToList();
        var queue = lane == ScoreLane.Batch ? _batch : _queue;
        await Parallel.ForEachAsync(bodies, TableOperations.ParallelOptions(cancellationToken), async (body, token) =>
            await queue.SendMessageAsync(body, token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>
    /// Up to <paramref name="maxMessages"/> messages, hidden from other receivers for <paramref name="visibilityTimeout"/>:
    /// webhook work first, then the batch lane fills what is left — so a webhook never waits behind a whole-portal batch.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedScoreRequest>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);
        var received = new List<ReceivedScoreRequest>();
        await ReceiveFromAsync(_rawQueue, ScoreLane.Now, received, maxMessages, visibilityTimeout, cancellationToken).ConfigureAwait(false);
        if (received.Count < maxMessages)
        {
            await ReceiveFromAsync(_rawBatch, ScoreLane.Batch, received, maxMessages, visibilityTimeout, cancellationToken).ConfigureAwait(false);
        }

        return received;
    }

    private static async Task ReceiveFromAsync(QueueClient queue, ScoreLane lane, List<ReceivedScoreRequest> received, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        while (received.Count < maxMessages)
        {
            var ask = Math.Min(MaxMessagesPerReceive, maxMessages - received.Count);
            var messages = (await queue.ReceiveMessagesAsync(ask, visibilityTimeout, cancellationToken).ConfigureAwait(false)).Value;
            foreach (var message in messages)
            {
                var body = Decode(message.Body);
                received.Add(new ReceivedScoreRequest(Parse(body), message.MessageId, message.PopReceipt, message.DequeueCount, body, lane));
            }

            if (messages.Length < ask)
            {
                break;
            }
        }
    }

    /// <summary>Deletes the message; one already deleted, or received again by someone else since, is left alone.</summary>
    public async Task CompleteAsync(ReceivedScoreRequest message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await (message.Lane == ScoreLane.Batch ? _rawBatch : _rawQueue).DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 || ex.ErrorCode == "PopReceiptMismatch")
        {
            // Gone already, or redelivered to another receiver that now owns it.
        }
    }

    /// <summary>Copies the body to the poison queue, then deletes the original (a crash in between duplicates, never loses).</summary>
    public async Task MoveToPoisonAsync(ReceivedScoreRequest message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _poison.SendMessageAsync(message.RawBody, cancellationToken).ConfigureAwait(false);
        await CompleteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Messages waiting in both lanes.</summary>
    public async Task<int> ApproximateCountAsync(CancellationToken cancellationToken = default) =>
        (await _queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount
        + (await _batch.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;

    public async Task<int> PoisonCountAsync(CancellationToken cancellationToken = default) =>
        (await _poison.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;

    private static string Serialize(ScoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsValid(request))
        {
            throw new ArgumentException($"A score request needs a defined kind, a non-empty object id, and valid events exactly when its kind is {nameof(ScoreRequestKind.WebhookEvents)} (was {request.Kind} '{request.ObjectId}' with {request.Events?.Count ?? 0} events).", nameof(request));
        }

        return JsonSerializer.Serialize(request, StorageJsonContext.Default.ScoreRequest);
    }

    private static ScoreRequest? Parse(string body)
    {
        try
        {
            var request = JsonSerializer.Deserialize(body, StorageJsonContext.Default.ScoreRequest);
            return request is not null && IsValid(request) ? request : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsValid(ScoreRequest request) =>
        Enum.IsDefined(request.Kind) && !string.IsNullOrWhiteSpace(request.ObjectId) && request.Reason is not null
        && (request.Kind == ScoreRequestKind.WebhookEvents
            ? request.Events is { Count: > 0 } events && events.All(IsValid)
            : request.Events is null);

    private static bool IsValid(AcceptedWebhookEvent e) =>
        e is not null && e.Kind is ScoreRequestKind.Contact or ScoreRequestKind.Company or ScoreRequestKind.Deal or ScoreRequestKind.Forget
        && e.Key is { Length: 64 } && !string.IsNullOrWhiteSpace(e.ObjectId) && e.Type is not null;

    /// <summary>Base64 as sent by <see cref="EnqueueAsync"/> (and Functions); a body that is not is taken as it is.</summary>
    private static string Decode(BinaryData body)
    {
        var text = body.ToString();
        var bytes = new byte[text.Length * 3 / 4 + 3];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            try
            {
                return StrictUtf8.GetString(bytes, 0, written);
            }
            catch (DecoderFallbackException)
            {
                return text;
            }
        }

        return text;
    }
}
