using System.Text.Json.Nodes;

namespace LeadScoring.HubSpotEmulator.Webhooks;

/// <summary>One attempt to deliver one batch.</summary>
internal sealed record DeliveryAttempt(
    long DeliveryId, int AttemptNumber, int EventCount, IReadOnlyList<long> EventIds, int? StatusCode, string? Error, string Outcome,
    DateTimeOffset At, double DurationMs)
{
    public JsonObject ToJson() => new()
    {
        ["deliveryId"] = DeliveryId,
        ["attemptNumber"] = AttemptNumber,
        ["eventCount"] = EventCount,
        ["eventIds"] = new JsonArray([.. EventIds.Distinct().Select(id => (JsonNode)id)]),
        ["statusCode"] = StatusCode,
        ["error"] = Error,
        ["outcome"] = Outcome,
        ["at"] = Formats.Iso(At),
        ["durationMs"] = Math.Round(DurationMs, 1),
    };
}

/// <summary>Every delivery attempt, newest last (bounded).</summary>
internal sealed class DeliveryLog
{
    private const int Capacity = 10_000;
    private readonly Lock _gate = new();
    private readonly LinkedList<DeliveryAttempt> _attempts = [];

    public void Add(DeliveryAttempt attempt)
    {
        lock (_gate)
        {
            _attempts.AddLast(attempt);
            if (_attempts.Count > Capacity)
            {
                _attempts.RemoveFirst();
            }
        }
    }

    public IReadOnlyList<DeliveryAttempt> Snapshot()
    {
        lock (_gate)
        {
            return [.. _attempts];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _attempts.Clear();
        }
    }
}
