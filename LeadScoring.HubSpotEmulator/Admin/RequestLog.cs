using System.Text.Json.Nodes;

namespace LeadScoring.HubSpotEmulator.Admin;

/// <summary>One API request as the emulator answered it. <see cref="Fault"/> names an injected or random fault.</summary>
internal sealed record RequestRecord(long Sequence, string Method, string Path, string Query, int Status, DateTimeOffset At, double DurationMs, string? Fault)
{
    public JsonObject ToJson() => new()
    {
        ["sequence"] = Sequence,
        ["method"] = Method,
        ["path"] = Path,
        ["query"] = Query,
        ["status"] = Status,
        ["at"] = Formats.Iso(At),
        ["durationMs"] = Math.Round(DurationMs, 1),
        ["fault"] = Fault,
    };
}

/// <summary>The last 50,000 API requests (admin calls under /_emulator are not logged), for tests that count attempts.</summary>
internal sealed class RequestLog
{
    private const int Capacity = 50_000;
    private readonly Lock _gate = new();
    private readonly Queue<RequestRecord> _records = new();
    private long _sequence;

    public long NextSequence() => Interlocked.Increment(ref _sequence);

    public void Add(RequestRecord record)
    {
        lock (_gate)
        {
            _records.Enqueue(record);
            if (_records.Count > Capacity)
            {
                _records.Dequeue();
            }
        }
    }

    public IReadOnlyList<RequestRecord> Snapshot()
    {
        lock (_gate)
        {
            return [.. _records.OrderBy(r => r.Sequence)];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _records.Clear();
        }
    }
}
