using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace LeadScoring.Functions.Orchestrations;

/// <summary>Starts an orchestration under a fixed instance id unless one with that id is still running.</summary>
internal static class SingletonOrchestrations
{
    /// <summary>The instance now running: the one started here (Started true) or the one that already was.</summary>
    public static async Task<(bool Started, OrchestrationMetadata? Running)> StartUnlessRunningAsync(
        this DurableTaskClient client, string orchestration, string instanceId, object? input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (existing is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
        {
            return (false, existing);
        }

        await client.ScheduleNewOrchestrationInstanceAsync(new TaskName(orchestration), input, new StartOrchestrationOptions(instanceId), cancellationToken);
        return (true, null);
    }
}
