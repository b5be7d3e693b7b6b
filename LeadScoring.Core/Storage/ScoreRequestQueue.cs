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
    private readonly QueueClient _queue = storage.Queue(storage.Names.ScoreRequests);
    private readonly QueueClient _poison = storage.Queue(storage.Names.ScoreRequestsPoison);

    /// <summary>The queue itself (Base64 bodies), for tests and tools that read it as the trigger does.</summary>
    internal QueueClient Client => _queue;

    public async Task EnqueueAsync(ScoreRequest request, CancellationToken cancellationToken = default)
    {
        var body = Serialize(request);
        await _queue.SendMessageAsync(body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts a request on the poison queue directly: work an orchestration gave up on after its retries, kept where an
    /// operator sees it (poison count, alert) and can replay it. The Functions host moves failed queue messages there too.
    /// </summary>
    public async Task PoisonAsync(ScoreRequest request, CancellationToken cancellationToken = default) =>
        await _poison.SendMessageAsync(Serialize(request), cancellationToken).ConfigureAwait(false);

    /// <summary>The request in a queue message's text (as the queue trigger passes it, already decoded), or null when it is not one.</summary>
    public static ScoreRequest? TryParse(string body) => Parse(body ?? "");

    /// <summary>Messages waiting for the queue trigger.</summary>
    public async Task<int> ApproximateCountAsync(CancellationToken cancellationToken = default) =>
        (await _queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;

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
}
