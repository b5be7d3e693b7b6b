namespace LeadScoring.Core.Pipeline;

/// <summary>
/// How the queue-driven pipeline runs. The host fills these from host.json <c>extensions.queues</c>, with the same
/// meaning as in Azure Functions' queue trigger.
/// </summary>
public sealed class PipelineOptions
{
    /// <summary>Messages taken from the queue at once (Functions: batchSize, default 16, max 32 per call).</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Deliveries before a message goes to the poison queue (Functions: maxDequeueCount, default 5).</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a message stays invisible while being processed, and before a failed one is retried.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait between polls of an empty queue (Functions: maxPollingInterval).</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Contacts gathered from HubSpot at the same time.</summary>
    public int MaxParallelLeads { get; set; } = 8;

    /// <summary>Re-read contacts modified this long before the checkpoint too: HubSpot's search index lags by seconds.</summary>
    public TimeSpan CheckpointOverlap { get; set; } = TimeSpan.FromMinutes(2);
}
