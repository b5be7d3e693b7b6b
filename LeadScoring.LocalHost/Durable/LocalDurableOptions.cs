using System.Globalization;

namespace LeadScoring.LocalHost.Durable;

/// <summary>
/// Settings of the local durable engine: DTFx's Azure Storage backend (what Durable Functions uses in Azure) behind
/// the Durable Task SDK's in-process gRPC sidecar. Validated once, when <see cref="LocalDurableServiceCollectionExtensions.AddLocalDurableTask"/> runs.
/// </summary>
public sealed class LocalDurableOptions
{
    /// <summary>Azure Storage connection string (Azurite's locally). Required.</summary>
    public string StorageConnectionString { get; set; } = "";

    /// <summary>
    /// Task hub name: 3–45 letters or digits, starting with a letter (it prefixes the hub's queues, tables and blob
    /// container). Required. Hosts on the same name share (and resume) the same orchestrations.
    /// </summary>
    public string TaskHubName { get; set; } = "";

    /// <summary>
    /// Visibility timeout of work-item (activity) and control-queue (orchestration) messages. The sidecar never
    /// renews its locks and its abandon is a no-op, so this is also how long work that was in flight when a host
    /// died waits before another host retries it; keep activities shorter than this.
    /// </summary>
    public TimeSpan WorkItemVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest back-off between polls of an empty queue (DTFx default 30 s; low latency locally).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Control-queue partitions (1–16). Fixed when the task hub is first created; Durable Functions' default is 4.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Activities run at the same time by this host.</summary>
    public int MaxConcurrentActivities { get; set; } = 10;

    /// <summary>Orchestration episodes run at the same time by this host.</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 10;

    /// <summary>Loopback port of the sidecar's own HTTP/2 server; 0 picks a free one at registration.</summary>
    public int SidecarPort { get; set; }

    /// <summary>How long the host's start waits for the worker to connect and a client call to succeed.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Test seam: false stores the sidecar's events unrepaired, to show the sub-orchestration traps
    /// (<see cref="SidecarCompatibleOrchestrationService"/>) still exist.
    /// </summary>
    internal bool RepairSidecarEvents { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(StorageConnectionString))
        {
            throw Invalid(nameof(StorageConnectionString), "is required (e.g. Azurite's connection string)");
        }

        var hub = TaskHubName ?? "";
        if (hub.Length is < 3 or > 45 || !char.IsAsciiLetter(hub[0]) || !hub.All(char.IsAsciiLetterOrDigit))
        {
            throw Invalid(nameof(TaskHubName),
                $"'{hub}' is not a valid Azure Storage task hub name: use 3–45 letters or digits, starting with a letter");
        }

        if (WorkItemVisibilityTimeout < TimeSpan.FromSeconds(5) || WorkItemVisibilityTimeout > TimeSpan.FromMinutes(10))
        {
            throw Invalid(nameof(WorkItemVisibilityTimeout), $"{WorkItemVisibilityTimeout} is outside 5 s – 10 min");
        }

        if (MaxQueuePollingInterval < TimeSpan.FromMilliseconds(100) || MaxQueuePollingInterval > TimeSpan.FromMinutes(1))
        {
            throw Invalid(nameof(MaxQueuePollingInterval), $"{MaxQueuePollingInterval} is outside 100 ms – 1 min");
        }

        if (PartitionCount is < 1 or > 16)
        {
            throw Invalid(nameof(PartitionCount), $"{PartitionCount} is outside 1–16");
        }

        if (MaxConcurrentActivities < 1 || MaxConcurrentOrchestrations < 1)
        {
            throw Invalid(MaxConcurrentActivities < 1 ? nameof(MaxConcurrentActivities) : nameof(MaxConcurrentOrchestrations), "must be at least 1");
        }

        if (SidecarPort is < 0 or > 65535)
        {
            throw Invalid(nameof(SidecarPort), $"{SidecarPort.ToString(CultureInfo.InvariantCulture)} is not a port (0 picks a free one)");
        }

        if (StartTimeout <= TimeSpan.Zero)
        {
            throw Invalid(nameof(StartTimeout), "must be positive");
        }
    }

    internal LocalDurableOptions Clone() => (LocalDurableOptions)MemberwiseClone();

    private static ArgumentException Invalid(string setting, string problem) =>
        new($"LocalDurableOptions.{setting} {problem}.", setting);
}
