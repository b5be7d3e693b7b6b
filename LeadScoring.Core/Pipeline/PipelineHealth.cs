namespace LeadScoring.Core.Pipeline;

/// <summary>What the pipeline last did and what went wrong, for /api/health. Thread-safe; no PII.</summary>
public sealed class PipelineHealth
{
    private readonly Lock _lock = new();
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private DateTimeOffset? _lastBatchRunAt;
    private int _lastBatchEnqueued;
    private string? _lastBatchError;
    private DateTimeOffset? _lastScoredAt;
    private long _scored;
    private long _written;
    private string? _propertiesError;
    private bool _propertiesReady;

    public void ScoringFailed(string message, DateTimeOffset at)
    {
        lock (_lock)
        {
            _lastError = message;
            _lastErrorAt = at;
        }
    }

    public void Scored(int count, int written, DateTimeOffset at)
    {
        lock (_lock)
        {
            _scored += count;
            _written += written;
            _lastScoredAt = at;
        }
    }

    public void BatchRan(int enqueued, DateTimeOffset at, string? error)
    {
        lock (_lock)
        {
            _lastBatchRunAt = at;
            _lastBatchEnqueued = enqueued;
            _lastBatchError = error;
        }
    }

    public void PropertiesEnsured(string? error)
    {
        lock (_lock)
        {
            _propertiesReady = error is null;
            _propertiesError = error;
        }
    }

    public PipelineHealthSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new(_lastError, _lastErrorAt, _lastBatchRunAt, _lastBatchEnqueued, _lastBatchError, _lastScoredAt, _scored, _written, _propertiesReady, _propertiesError);
        }
    }
}

/// <summary>A consistent copy of <see cref="PipelineHealth"/>.</summary>
public sealed record PipelineHealthSnapshot(
    string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset? LastBatchRunAt, int LastBatchEnqueued, string? LastBatchError,
    DateTimeOffset? LastScoredAt, long Scored, long Written, bool PropertiesReady, string? PropertiesError);
