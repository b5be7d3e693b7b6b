using LeadScoring.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace LeadScoring.Functions.Orchestrations;

/// <summary>
/// Where a BatchRescore run is (the orchestration's input; it continues as new after each wave so its history stays
/// small on a portal of any size).
/// </summary>
/// <param name="Chunk">Contacts per ScoreLeads (≤ 100, HubSpot's batch read limit).</param>
/// <param name="Parallelism">ScoreLeads run at once: a bound, so webhook work keeps HubSpot budget.</param>
public sealed record BatchRescoreState(
    DateTimeOffset Started, int Chunk, int Parallelism, ActivityRetry Retry, RescoreWindow? Window = null, RescoreCursor? Cursor = null, int Scored = 0, int FailedBatches = 0);

/// <summary>How a run ended, for health and the admin's answer.</summary>
public sealed record RescoreFinish(RescoreWindow Window, int Scored, DateTimeOffset Started, string? Error);

/// <summary>
/// BatchRescore: the contacts modified since the checkpoint, page by page (oldest first, paged by key), each page a
/// ScoreLeads sub-orchestration, <see cref="BatchRescoreState.Parallelism"/> at a time; the checkpoint advances after
/// each wave to the newest modification time scored. One instance at a time (<see cref="InstanceId"/>): the timer
/// and the admin route start it only when it is not running.
/// </summary>
public sealed class BatchRescoreOrchestration(BatchRescore rescore)
{
    /// <summary>The fixed instance id: a second start while one runs is refused, so two starts never run twice.</summary>
    public const string InstanceId = "batch-rescore";

    [Function(nameof(BatchRescore))]
    public static async Task<BatchRescoreResult?> BatchRescore([OrchestrationTrigger] TaskOrchestrationContext context, BatchRescoreState state)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        var retry = state.Retry.ToTaskOptions();
        var window = state.Window ?? await context.CallActivityAsync<RescoreWindow>(nameof(BeginRescore), new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero), retry);
        try
        {
            var pages = new List<ModifiedContactsPage>();
            RescoreCursor? next = state.Cursor ?? new RescoreCursor(window.Since, window.Until, []);
            while (next is not null && pages.Count < state.Parallelism)
            {
                var page = await context.CallActivityAsync<ModifiedContactsPage>(nameof(FindModifiedContacts), new ModifiedContactsQuery(next, state.Chunk), retry);
                pages.Add(page);
                next = page.Next;
            }

            var runs = pages
                .Where(p => p.ContactIds.Count > 0)
                .Select(p => RunAsync(context, new ScoreLeadsInput([.. p.ContactIds], [], [], "batch", state.Retry)))
                .ToList();
            var succeeded = await Task.WhenAll(runs);
            if (pages.Select(p => p.Newest).Max() is { } newest)
            {
                // A failed page's leads are on the poison queue already (ScoreLeads gives them up), so moving past them loses nothing.
                await context.CallActivityAsync(nameof(AdvanceCheckpoint), newest, retry);
            }

            var scored = state.Scored + pages.Sum(p => p.ContactIds.Count);
            var failed = state.FailedBatches + succeeded.Count(ok => !ok);
            if (next is not null)
            {
                context.ContinueAsNew(state with { Window = window, Cursor = next, Scored = scored, FailedBatches = failed });
                return null;
            }

            var error = failed == 0 ? null : $"{failed} ScoreLeads batches failed; their contacts are on the poison queue";
            return await context.CallActivityAsync<BatchRescoreResult>(nameof(FinishRescore), new RescoreFinish(window, scored, state.Started, error), retry);
        }
        catch (TaskFailedException ex)
        {
            await context.CallActivityAsync<BatchRescoreResult>(nameof(FinishRescore), new RescoreFinish(window, state.Scored, state.Started, $"{ex.TaskName}: {ex.FailureDetails.ErrorMessage}"), retry);
            throw;
        }
    }

    [Function(nameof(BeginRescore))]
    public Task<RescoreWindow> BeginRescore([ActivityTrigger] DateTimeOffset until, CancellationToken cancellationToken) =>
        rescore.BeginAsync(until, cancellationToken);

    [Function(nameof(FindModifiedContacts))]
    public Task<ModifiedContactsPage> FindModifiedContacts([ActivityTrigger] ModifiedContactsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return rescore.FindModifiedAsync(query.Cursor, query.Max, cancellationToken);
    }

    [Function(nameof(AdvanceCheckpoint))]
    public Task AdvanceCheckpoint([ActivityTrigger] DateTimeOffset newest, CancellationToken cancellationToken) =>
        rescore.AdvanceCheckpointAsync(newest, cancellationToken);

    [Function(nameof(FinishRescore))]
    public Task<BatchRescoreResult> FinishRescore([ActivityTrigger] RescoreFinish finish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(finish);
        return rescore.FinishAsync(finish.Window, finish.Scored, finish.Started, finish.Error, cancellationToken);
    }

    private static async Task<bool> RunAsync(TaskOrchestrationContext context, ScoreLeadsInput input)
    {
        try
        {
            await context.CallSubOrchestratorAsync<ScoreLeadsResult>(nameof(ScoreLeadsOrchestration.ScoreLeads), input);
            return true;
        }
        catch (TaskFailedException)
        {
            return false; // ScoreLeads put its leads on the poison queue; the rest of the portal goes on
        }
    }
}

/// <summary>A page request: where to resume and how many contacts at most.</summary>
public sealed record ModifiedContactsQuery(RescoreCursor Cursor, int Max);
