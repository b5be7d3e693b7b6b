using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;

namespace LeadScoring.LocalHost.Durable;

/// <summary>
/// Passes every call to DTFx's Azure Storage orchestration service, repairing two things the in-process gRPC sidecar
/// (Microsoft.DurableTask.InProcessTestHost 0.2.3-preview.1, written against its in-memory backend) hands over and
/// Azure Storage cannot store:
/// <list type="bullet">
/// <item>a sub-orchestration's <see cref="ExecutionStartedEvent.Tags"/> is the protobuf request's <c>MapField</c>,
/// which the queue message's JSON cannot round-trip (the child never starts) — copied into a <see cref="Dictionary{TKey,TValue}"/>;</item>
/// <item>the parent's <see cref="SubOrchestrationInstanceCreatedEvent"/> is the sidecar's subclass
/// (<c>GrpcSubOrchestrationInstanceCreatedEvent</c>), which the History table gets without its <c>EventType</c>
/// (the parent's history is then unreadable) — replaced by the base type.</item>
/// </list>
/// It also waits for orchestrations with a shorter poll than the backend's (<see cref="WaitForOrchestrationAsync"/>),
/// and makes <see cref="StopAsync(bool)"/> run once: the sidecar stops the backend when its dispatchers have
/// drained, which never happens if the worker left with work in flight, so the host stops it too.
/// </summary>
internal sealed class SidecarCompatibleOrchestrationService(
    IOrchestrationService service, IOrchestrationServiceClient client, bool repair = true)
    : IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient
{
    private readonly object _stopGate = new();
    private Task? _stopped;

    internal IOrchestrationService Inner => service;

    public int TaskOrchestrationDispatcherCount => service.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => service.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => service.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => service.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => service.MaxConcurrentTaskActivityWorkItems;

    public Task StartAsync() => service.StartAsync();

    public Task StopAsync() => StopAsync(isForced: false);

    public Task StopAsync(bool isForced)
    {
        lock (_stopGate)
        {
            return _stopped ??= service.StopAsync(isForced);
        }
    }

    public Task CreateAsync() => service.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => service.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => service.CreateIfNotExistsAsync();

    public Task DeleteAsync() => service.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => service.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        service.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => service.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => service.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        service.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => service.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        if (repair)
        {
            RepairHistory(newOrchestrationRuntimeState);
            if (!ReferenceEquals(workItem.OrchestrationRuntimeState, newOrchestrationRuntimeState))
            {
                RepairHistory(workItem.OrchestrationRuntimeState);
            }

            RepairTags(outboundMessages);
            RepairTags(orchestratorMessages);
            RepairTags(timerMessages);
            RepairTags(continuedAsNewMessage);
        }

        return service.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages,
            orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
    }

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => service.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => service.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        service.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => service.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        service.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => service.AbandonTaskActivityWorkItemAsync(workItem);

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage)
    {
        RepairTagsIfEnabled(creationMessage);
        return client.CreateTaskOrchestrationAsync(creationMessage);
    }

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses)
    {
        RepairTagsIfEnabled(creationMessage);
        return client.CreateTaskOrchestrationAsync(creationMessage, dedupeStatuses);
    }

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message)
    {
        RepairTagsIfEnabled(message);
        return client.SendTaskOrchestrationMessageAsync(message);
    }

    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages)
    {
        if (repair)
        {
            RepairTags(messages);
        }

        return client.SendTaskOrchestrationMessageBatchAsync(messages);
    }

    /// <summary>
    /// Azure Storage's own wait polls the instance every 2 s, which is most of a short orchestration's latency as the
    /// client sees it (its <c>WaitForInstanceCompletionAsync</c> goes through here): poll every 25 ms for a second, then
    /// back off to 250 ms; at the end let the backend read the final state (it fetches large inputs and outputs from blobs).
    /// </summary>
    public async Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout);
        }

        // Real time, not the host's TimeProvider: the engine stands in for the Functions host's, and a test's fake
        // clock must not stall its polls.
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(25);
        while (true)
        {
            var state = await client.GetOrchestrationStateAsync(instanceId, executionId);
            if (state is not null && IsFinal(state.OrchestrationStatus))
            {
                return await client.WaitForOrchestrationAsync(instanceId, executionId, timeout, cancellationToken);
            }

            try
            {
                await Task.Delay(delay, clock, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null!; // timed out, as the backend's own wait reports it
            }

            if (clock.GetElapsedTime(started) > TimeSpan.FromSeconds(1))
            {
                delay = TimeSpan.FromMilliseconds(Math.Min(250, delay.TotalMilliseconds * 1.5));
            }
        }
    }

    private static bool IsFinal(OrchestrationStatus status) => status is not (OrchestrationStatus.Running or OrchestrationStatus.Pending
        or OrchestrationStatus.Suspended or OrchestrationStatus.ContinuedAsNew);

    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => client.ForceTerminateTaskOrchestrationAsync(instanceId, reason);

    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
        client.GetOrchestrationStateAsync(instanceId, allExecutions);

    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) =>
        client.GetOrchestrationStateAsync(instanceId, executionId);

    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) => client.GetOrchestrationHistoryAsync(instanceId, executionId);

    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        client.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);

    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken) =>
        client is IOrchestrationServiceQueryClient queries
            ? queries.GetOrchestrationWithQueryAsync(query, cancellationToken)
            : throw new NotSupportedException($"{client.GetType().Name} does not support queries.");

    public Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) =>
        client is IOrchestrationServicePurgeClient purges
            ? purges.PurgeInstanceStateAsync(instanceId)
            : throw new NotSupportedException($"{client.GetType().Name} does not support purges.");

    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter) =>
        client is IOrchestrationServicePurgeClient purges
            ? purges.PurgeInstanceStateAsync(purgeInstanceFilter)
            : throw new NotSupportedException($"{client.GetType().Name} does not support purges.");

    /// <summary>Replaces subclasses of <see cref="SubOrchestrationInstanceCreatedEvent"/> by the base type, in place.</summary>
    internal static void RepairHistory(OrchestrationRuntimeState? state)
    {
        if (state is null)
        {
            return;
        }

        Dictionary<HistoryEvent, HistoryEvent>? replaced = null;
        Replace(state.Events);
        Replace(state.NewEvents);
        Replace(state.PastEvents);

        void Replace(IList<HistoryEvent> events)
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i] is SubOrchestrationInstanceCreatedEvent created && created.GetType() != typeof(SubOrchestrationInstanceCreatedEvent))
                {
                    replaced ??= new(ReferenceEqualityComparer.Instance);
                    if (!replaced.TryGetValue(created, out var plain))
                    {
                        plain = new SubOrchestrationInstanceCreatedEvent(created.EventId)
                        {
                            Name = created.Name,
                            Version = created.Version,
                            InstanceId = created.InstanceId,
                            Input = created.Input,
                            Timestamp = created.Timestamp,
                            IsPlayed = created.IsPlayed,
                        };
                        replaced[created] = plain;
                    }

                    events[i] = plain;
                }
            }
        }
    }

    /// <summary>Copies tags that are not a plain dictionary (the sidecar's protobuf <c>MapField</c>) into one.</summary>
    internal static void RepairTags(TaskMessage? message)
    {
        if (message?.Event is ExecutionStartedEvent { Tags: { } tags } started && tags.GetType() != typeof(Dictionary<string, string>))
        {
            started.Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal);
        }
    }

    private static void RepairTags(IEnumerable<TaskMessage>? messages)
    {
        foreach (var message in messages ?? [])
        {
            RepairTags(message);
        }
    }

    private void RepairTagsIfEnabled(TaskMessage message)
    {
        if (repair)
        {
            RepairTags(message);
        }
    }
}
